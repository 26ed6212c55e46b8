using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Core.IO;
using Ppml.Tee;
using Ppml.Tee.Measurement;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml enclave sign|verify</c>: measure an application directory (every file, and the .NET runtime it runs on) and
/// the trust anchors, and sign the measurement (simulation-mode SIGSTRUCT); verify it against a directory.
/// </summary>
internal sealed class EnclaveHandler
{
    private readonly CliContext _context;

    public EnclaveHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> SignAsync(
        string? manifestPath, string? applicationDirectory, string? keyPath, string? kmsUrl, string? kmsCaPath, string output, string? home, bool force, CancellationToken cancellationToken)
    {
        EnclaveManifest manifest = manifestPath is null
            ? EnclaveManifest.ForApplication(AppContext.BaseDirectory)
            : await EnclaveManifest.LoadAsync(_context.ResolvePath(manifestPath), cancellationToken);
        if (applicationDirectory is not null)
        {
            string directory = _context.ResolvePath(applicationDirectory);
            if (!Directory.Exists(directory))
            {
                throw CliException.Usage($"--app '{directory}' is not a directory; pass the published application directory.");
            }

            manifest = new EnclaveManifest { Name = manifest.Name, IsvProdId = manifest.IsvProdId, IsvSvn = manifest.IsvSvn, Debug = manifest.Debug, BaseDirectory = directory };
        }

        TrustAnchors? anchors = ReadAnchors(kmsUrl, kmsCaPath);
        string key = keyPath is null
            ? Path.Combine(PpmlWorkspace.ResolveRoot(_context, home), PpmlWorkspace.EnclaveKeyFileName)
            : _context.ResolvePath(keyPath);
        if (!File.Exists(key))
        {
            throw CliException.Usage($"Signing key '{key}' does not exist; create one with 'ppml keys enclave' or 'ppml init'.");
        }

        using RSA rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(await File.ReadAllTextAsync(key, cancellationToken));
        }
        catch (ArgumentException exception)
        {
            throw CliException.Usage($"'{key}' is not a PEM RSA private key ({exception.Message}).");
        }

        SignedEnclave signed = await EnclaveSigner.SignAsync(manifest, rsa, anchors, runtime: null, cancellationToken);
        string outputPath = _context.ResolvePath(output);
        await AtomicFile.WriteAllBytesAsync(outputPath, EnclaveSigner.Serialize(signed), overwrite: force, cancellationToken: cancellationToken);
        await _context.Output.WriteLineAsync($"mrenclave {signed.MrEnclave}");
        await _context.Output.WriteLineAsync($"mrsigner  {signed.MrSigner}");
        int runtimeFiles = signed.Files.Count(f => f.Path.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal));
        await _context.Output.WriteLineAsync(
            $"isvprodid {signed.IsvProdId}  isvsvn {signed.IsvSvn}  debug {signed.Debug.ToString().ToLowerInvariant()}  files {signed.Files.Count - runtimeFiles} (+{runtimeFiles} runtime)");
        if (anchors is not null)
        {
            await _context.Output.WriteLineAsync($"kms-url   {signed.KmsUrl}");
            await _context.Output.WriteLineAsync($"kms-ca    sha256 {signed.KmsCaSha256}");
        }

        await _context.Error.WriteLineAsync($"Wrote {outputPath}");
        return ExitCodes.Success;
    }

    public async Task<int> VerifyAsync(string signaturePath, string? applicationDirectory, CancellationToken cancellationToken)
    {
        SignedEnclave signed = await EnclaveSigner.LoadAsync(_context.ResolvePath(signaturePath), cancellationToken);
        try
        {
            EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(
                signed, applicationDirectory is null ? null : _context.ResolvePath(applicationDirectory), cancellationToken);
            TrustAnchors? anchors = EnclaveSigner.ReadTrustAnchors(signed);
            await _context.Output.WriteLineAsync(
                $"OK mrenclave {identity.MrEnclaveHex} mrsigner {identity.MrSignerHex}{(anchors is null ? string.Empty : $" kms {anchors.KmsUrl} ca-sha256 {anchors.KmsCaSha256Hex}")}");
            return ExitCodes.Success;
        }
        catch (TeeException exception)
        {
            throw CliException.Failure(exception.Message);
        }
    }

    private TrustAnchors? ReadAnchors(string? kmsUrl, string? kmsCaPath)
    {
        if (kmsUrl is null && kmsCaPath is null)
        {
            return null;
        }

        if (kmsUrl is null || kmsCaPath is null)
        {
            throw CliException.Usage("--kms-url and --kms-ca go together: the measured trust anchors are the KMS URL and its CA certificate.");
        }

        if (!Uri.TryCreate(kmsUrl, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttps)
        {
            throw CliException.Usage($"--kms-url '{kmsUrl}' is not an absolute https URL; use https://HOST:PORT.");
        }

        string caPath = _context.ResolvePath(kmsCaPath);
        if (!File.Exists(caPath))
        {
            throw CliException.Usage($"--kms-ca '{caPath}' does not exist; pass the KMS CA certificate (PEM or DER), e.g. the workspace's tls/ca.crt.");
        }

        X509Certificate2 ca;
        try
        {
            ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        }
        catch (CryptographicException exception)
        {
            throw CliException.Usage($"--kms-ca '{caPath}' is not a certificate ({exception.Message}); pass a PEM or DER X.509 certificate.");
        }

        using (ca)
        {
            try
            {
                return TrustAnchors.Create(url, ca);
            }
            catch (TeeException exception)
            {
                throw CliException.Usage(exception.Message);
            }
        }
    }
}
