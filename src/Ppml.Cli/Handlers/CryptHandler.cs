using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Kms;
using Ppml.Kms.Envelope;
using Ppml.Workloads;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml encrypt</c> and <c>ppml decrypt</c>: one file, or a directory tree mirrored file by file
/// (<c>.ppml</c> appended on encrypt, stripped on decrypt). A directory is written into a staging directory and
/// moved into place only when every file succeeded, so a failure leaves no partial output.
/// </summary>
internal sealed class CryptHandler
{
    public const string Extension = ".ppml";

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
        string input = _context.ResolvePath(options.Input);
        string output = _context.ResolvePath(options.Output);
        bool isDirectory = Directory.Exists(input);
        if (!isDirectory && !File.Exists(input))
        {
            throw CliException.Usage($"Input '{input}' does not exist.");
        }

        if (IsSameOrInside(output, input))
        {
            throw CliException.Usage($"Output '{output}' must not be the input or inside it.");
        }

        ContainerOptions? containerOptions = null;
        if (options.SegmentSize is { } segmentSize)
        {
            containerOptions = new ContainerOptions { SegmentSize = segmentSize };
        }

        List<(string Source, string Relative)> files = isDirectory ? ListTree(input, encrypt) : [(input, MapName(Path.GetFileName(input), encrypt))];
        if (!isDirectory && Directory.Exists(output))
        {
            output = Path.Combine(output, files[0].Relative);
        }

        if (!options.Force)
        {
            string? existing = isDirectory
                ? (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() ? output : null)
                : (File.Exists(output) ? output : null);
            if (existing is not null)
            {
                throw CliException.Failure($"Output '{existing}' already exists; pass --force to replace it.");
            }
        }

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
        long totalBytes = files.Sum(f => new FileInfo(f.Source).Length);
        using var progress = new ProgressBar(_context, encrypt ? "encrypt" : "decrypt", totalBytes);

        if (!isDirectory)
        {
            await ProcessFileAsync(kms, keyName, files[0].Source, output, encrypt, containerOptions, options.Force, progress, cancellationToken);
        }
        else
        {
            using StagingDirectory staging = StagingDirectory.Create(output);
            foreach ((string source, string relative) in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string target = Path.Combine(staging.Path, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await ProcessFileAsync(kms, keyName, source, target, encrypt, containerOptions, overwrite: false, progress, cancellationToken);
            }

            // A new output appears whole; an existing one (empty, or allowed by --force) keeps its other entries and
            // gets the new files moved over it file by file.
            if (Directory.Exists(output))
            {
                staging.CommitByMerging();
            }
            else
            {
                staging.Commit(replace: false);
            }
        }

        if (options.Json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(
                new CryptReport(encrypt ? "encrypt" : "decrypt", input, output, files.Count, totalBytes, encrypt ? keyName : null),
                CliJsonContext.Default.CryptReport));
        }
        else
        {
            await _context.Output.WriteLineAsync(
                $"{(encrypt ? "Encrypted" : "Decrypted")} {files.Count} file(s), {ProgressBar.FormatBytes(totalBytes)}: {input} -> {output}");
        }

        return ExitCodes.Success;
    }

    private static async Task ProcessFileAsync(
        IKeyManagementService kms,
        string keyName,
        string source,
        string target,
        bool encrypt,
        ContainerOptions? containerOptions,
        bool overwrite,
        IProgress<long> progress,
        CancellationToken cancellationToken)
    {
        // The container reports running totals per file; the shared bar adds deltas across files.
        progress = new DeltaProgress(progress);
        try
        {
            if (encrypt)
            {
                await EnvelopeEncryption.EncryptFileAsync(kms, keyName, source, target, containerOptions, overwrite, progress, cancellationToken);
            }
            else
            {
                await EnvelopeEncryption.DecryptFileAsync(kms, source, target, overwrite, progress, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not CliException)
        {
            (int code, string message) = CommandRunner.Describe(exception);
            throw new CliException(code, message.Contains(source, StringComparison.Ordinal) ? message : $"'{source}': {message}", exception);
        }
    }

    private static List<(string Source, string Relative)> ListTree(string root, bool encrypt)
    {
        var files = new List<(string, string)>();
        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(root, path);
            if (!encrypt && !relative.EndsWith(Extension, StringComparison.Ordinal))
            {
                throw CliException.Usage($"'{path}' is not a '{Extension}' file; decrypt expects a tree written by 'ppml encrypt'.");
            }

            files.Add((path, MapName(relative, encrypt)));
        }

        return files;
    }

    private static string MapName(string relative, bool encrypt)
    {
        if (encrypt)
        {
            return relative + Extension;
        }

        return relative.EndsWith(Extension, StringComparison.Ordinal) && relative.Length > Extension.Length
            ? relative[..^Extension.Length]
            : relative + ".decrypted";
    }

    private static bool IsSameOrInside(string path, string root)
    {
        string normalizedRoot = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path == root || path.StartsWith(normalizedRoot, StringComparison.Ordinal);
    }
}

internal sealed record CryptReport(string Operation, string Input, string Output, int Files, long Bytes, string? Key);

/// <summary>Turns one file's running totals into increments for a bar shared by many files.</summary>
internal sealed class DeltaProgress(IProgress<long> inner) : IProgress<long>
{
    private long _last;

    public void Report(long value)
    {
        inner.Report(value - _last);
        _last = value;
    }
}
