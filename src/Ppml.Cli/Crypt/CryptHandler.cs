using System.Text.Json;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Workloads;
using Ppml.Workloads.Files;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Crypt;

/// <summary><c>ppml encrypt</c> and <c>ppml decrypt</c>: <see cref="ProtectedTreeWorkload"/> with a progress bar and one line of report.</summary>
internal sealed class CryptHandler(CliContext context)
{
    public async Task<int> RunAsync(
        bool encrypt, string input, string output, KmsTarget kms, bool force, bool json, string? key = null, int? segmentSize = null, bool attest = false, bool owner = false, CancellationToken cancellationToken = default)
    {
        // '-' is standard output (never a file named '-'; write './-' for that).
        bool toStandardOutput = OutputTarget.IsStandardStream(output);
        ProtectedTreePlan plan = ProtectedTree.Plan(
            OutputTarget.IsStandardStream(input) ? input : context.ResolvePath(input), toStandardOutput ? output : context.ResolvePath(output), encrypt, force);
        Stream? standardOutput = toStandardOutput ? context.OpenStandardOutput() : null;
        plan = plan with { StandardOutput = standardOutput };
        if (attest && (!kms.IsKmsServer || owner))
        {
            throw CliException.Usage("--attest needs a KMS server: pass --kms https://HOST:PORT and --api-key-file FILE (with a KMS server, decrypt attests by default).");
        }

        string? keyName = null;
        using (var progress = new ProgressBar(context, encrypt ? "encrypt" : "decrypt", plan.TotalBytes))
        {
            try
            {
                if (encrypt)
                {
                    ContainerOptions? container = segmentSize is { } size ? new ContainerOptions { SegmentSize = size } : null;
                    keyName = await ProtectedTreeWorkload.EncryptAsync(context, kms, plan, key, container, progress, cancellationToken);
                }
                else
                {
                    await ProtectedTreeWorkload.DecryptAsync(context, kms, plan, owner ? SessionAttestation.Owner : SessionAttestation.Auto, progress, cancellationToken);
                }
            }
            catch (ProtectedFileException failed)
            {
                (int code, string message) = CommandRunner.Describe(failed.InnerException!);
                throw new CliException(code, ProtectedFileException.NameFile(failed.FilePath, message), failed.InnerException);
            }
        }

        // With --out - the data owns standard output: the report goes to standard error.
        TextWriter report = toStandardOutput ? context.Error : context.Output;
        await report.WriteLineAsync(json
            ? JsonSerializer.Serialize(new CryptReport(encrypt ? "encrypt" : "decrypt", plan.Input, plan.Output, plan.Count, plan.TotalBytes, keyName), CliJsonContext.Default.CryptReport)
            : $"{(encrypt ? "Encrypted" : "Decrypted")} {plan.Count} file(s), {ProgressBar.FormatBytes(plan.TotalBytes)}: {plan.Input} -> {plan.Output}");
        return ExitCodes.Success;
    }
}

internal sealed record CryptReport(string Operation, string Input, string Output, int Files, long Bytes, string? Key);
