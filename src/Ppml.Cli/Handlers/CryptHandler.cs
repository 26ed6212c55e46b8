using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Crypto.Container;
using Ppml.Kms;
using Ppml.Workloads;
using Ppml.Workloads.Files;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml encrypt</c> and <c>ppml decrypt</c>: one file, or a directory tree (<see cref="ProtectedTree"/>), with the
/// owner's key service on encrypt and a workload session on decrypt, a progress bar and one line of report.
/// </summary>
internal sealed class CryptHandler
{
    private readonly CliContext _context;

    public CryptHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record Options(
        string Input,
        string Output,
        KmsTarget Kms,
        string? KeyName,
        bool Force,
        int? SegmentSize,
        bool Json,
        bool Attest = false,
        string? AttestationPolicy = null,
        bool Owner = false);

    public Task<int> EncryptAsync(Options options, CancellationToken cancellationToken) =>
        RunAsync(options, encrypt: true, cancellationToken);

    public Task<int> DecryptAsync(Options options, CancellationToken cancellationToken) =>
        RunAsync(options, encrypt: false, cancellationToken);

    private async Task<int> RunAsync(Options options, bool encrypt, CancellationToken cancellationToken)
    {
        ProtectedTreePlan plan = ProtectedTree.Plan(_context.ResolvePath(options.Input), _context.ResolvePath(options.Output), encrypt, options.Force);
        ContainerOptions? containerOptions = options.SegmentSize is { } segmentSize ? new ContainerOptions { SegmentSize = segmentSize } : null;

        // Encrypting is the data owner's act (a producer of the key); decrypting is a workload like any other: with a KMS
        // server it attests and takes only released keys, unless --owner asks for the owner's plain path.
        await using PpmlSession? session = encrypt
            ? null
            : await (options.Kms with { Policy = options.AttestationPolicy }).OpenSessionAsync(
                _context, options.KeyName, cancellationToken, options.Owner ? SessionAttestation.Owner : SessionAttestation.Auto);
        if (options.Attest && session is not { IsAttested: true })
        {
            throw CliException.Usage("--attest needs a KMS server: pass --kms https://HOST:PORT and --api-key-file FILE (with a KMS server, decrypt attests by default).");
        }

        using IKeyManagementService? ownerKms = encrypt ? await options.Kms.OpenAsync(_context, cancellationToken) : null;
        IKeyManagementService kms = ownerKms ?? session!.Keys;
        string keyName = await options.Kms.ResolveKeyNameAsync(_context, options.KeyName, cancellationToken);
        using (var progress = new ProgressBar(_context, encrypt ? "encrypt" : "decrypt", plan.TotalBytes))
        {
            try
            {
                await ProtectedTree.ExecuteAsync(plan, kms, keyName, containerOptions, progress, cancellationToken);
            }
            catch (ProtectedFileException failed)
            {
                (int code, string message) = CommandRunner.Describe(failed.InnerException!);
                throw new CliException(code, ProtectedFileException.NameFile(failed.FilePath, message), failed.InnerException);
            }
        }

        if (options.Json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(
                new CryptReport(encrypt ? "encrypt" : "decrypt", plan.Input, plan.Output, plan.Count, plan.TotalBytes, encrypt ? keyName : null),
                CliJsonContext.Default.CryptReport));
        }
        else
        {
            await _context.Output.WriteLineAsync(
                $"{(encrypt ? "Encrypted" : "Decrypted")} {plan.Count} file(s), {ProgressBar.FormatBytes(plan.TotalBytes)}: {plan.Input} -> {plan.Output}");
        }

        return ExitCodes.Success;
    }
}

internal sealed record CryptReport(string Operation, string Input, string Output, int Files, long Bytes, string? Key);
