using Ppml.Tee.Measurement;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Enclave;

/// <summary><c>ppml enclave sign|verify</c>: parse, call <see cref="EnclaveSigner"/>, print.</summary>
internal sealed class EnclaveHandler(CliContext context)
{
    public async Task<int> SignAsync(
        string? manifest, string? app, string? key, string? kmsUrl, string? kmsCa, string output, string? home, bool force, CancellationToken cancellationToken)
    {
        if ((kmsUrl is null) != (kmsCa is null))
        {
            throw CliException.Usage("--kms-url and --kms-ca go together: the measured trust anchors are the KMS URL and its CA certificate.");
        }

        Uri? url = null;
        if (kmsUrl is not null && (!Uri.TryCreate(kmsUrl, UriKind.Absolute, out url) || url.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--kms-url '{kmsUrl}' is not an absolute https URL; use https://HOST:PORT.");
        }

        string outputPath = context.ResolvePath(output);
        SignedEnclave signed = await EnclaveSigner.SignToFileAsync(
            new EnclaveSigningRequest
            {
                SigningKeyPath = key is null ? Path.Combine(PpmlWorkspace.ResolveRoot(context, home), PpmlWorkspace.EnclaveKeyFileName) : context.ResolvePath(key),
                OutputPath = outputPath,
                ManifestPath = manifest is null ? null : context.ResolvePath(manifest),
                ApplicationDirectory = app is null ? null : context.ResolvePath(app),
                KmsUrl = url,
                KmsCaPath = kmsCa is null ? null : context.ResolvePath(kmsCa),
                Overwrite = force,
            },
            cancellationToken);
        int runtimeFiles = signed.Files.Count(f => f.Path.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal));
        await context.Output.WriteLineAsync($"mrenclave {signed.MrEnclave}");
        await context.Output.WriteLineAsync($"mrsigner  {signed.MrSigner}");
        await context.Output.WriteLineAsync(
            $"isvprodid {signed.IsvProdId}  isvsvn {signed.IsvSvn}  debug {signed.Debug.ToString().ToLowerInvariant()}  files {signed.Files.Count - runtimeFiles} (+{runtimeFiles} runtime)");
        if (signed.KmsUrl is not null)
        {
            await context.Output.WriteLineAsync($"kms-url   {signed.KmsUrl}");
            await context.Output.WriteLineAsync($"kms-ca    sha256 {signed.KmsCaSha256}");
        }

        await context.Error.WriteLineAsync($"Wrote {outputPath}");
        return ExitCodes.Success;
    }

    public async Task<int> VerifyAsync(string signaturePath, string? app, CancellationToken cancellationToken)
    {
        VerifiedEnclave verified = await EnclaveSigner.VerifyFileAsync(context.ResolvePath(signaturePath), app is null ? null : context.ResolvePath(app), cancellationToken);
        string anchors = verified.TrustAnchors is { } a ? $" kms {a.KmsUrl} ca-sha256 {a.KmsCaSha256Hex}" : string.Empty;
        await context.Output.WriteLineAsync($"OK mrenclave {verified.Identity.MrEnclaveHex} mrsigner {verified.Identity.MrSignerHex}{anchors}");
        return ExitCodes.Success;
    }
}
