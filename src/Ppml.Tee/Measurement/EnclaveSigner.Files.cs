using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Core.IO;

namespace Ppml.Tee.Measurement;

public static partial class EnclaveSigner
{
    /// <summary>
    /// Signs the application a request describes and writes the signed measurement: loads the manifest (or takes the
    /// running ppml's), measures the application directory with its runtime and the trust anchors, signs with the key
    /// and writes the JSON atomically.
    /// </summary>
    /// <param name="request">The manifest or directory, the key, the anchors and the output.</param>
    /// <param name="cancellationToken">Cancels the hashing and the write.</param>
    /// <returns>The signed enclave that was written.</returns>
    /// <exception cref="ArgumentException">Only one of the KMS URL and the KMS CA is given.</exception>
    /// <exception cref="DirectoryNotFoundException">The application directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The signing key or the KMS CA certificate does not exist.</exception>
    /// <exception cref="InvalidDataException">The key is not a PEM RSA private key, or the CA file is not a certificate.</exception>
    /// <exception cref="TeeException">The manifest is invalid, the URL is not https, the key is not RSA-3072 with exponent 3, or the application cannot be measured.</exception>
    /// <exception cref="IOException">The output exists and <see cref="EnclaveSigningRequest.Overwrite"/> is not set.</exception>
    public static async Task<SignedEnclave> SignToFileAsync(EnclaveSigningRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnclaveManifest manifest = request.ManifestPath is null
            ? EnclaveManifest.ForApplication(AppContext.BaseDirectory)
            : await EnclaveManifest.LoadAsync(request.ManifestPath, cancellationToken).ConfigureAwait(false);
        if (request.ApplicationDirectory is { } directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"Application directory '{directory}' does not exist; pass the published application directory.");
            }

            manifest = new EnclaveManifest { Name = manifest.Name, IsvProdId = manifest.IsvProdId, IsvSvn = manifest.IsvSvn, Debug = manifest.Debug, BaseDirectory = directory };
        }

        TrustAnchors? anchors = LoadTrustAnchors(request.KmsUrl, request.KmsCaPath);
        using RSA key = await LoadSigningKeyAsync(request.SigningKeyPath, cancellationToken).ConfigureAwait(false);
        SignedEnclave signed = await SignAsync(manifest, key, anchors, runtime: null, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllBytesAsync(request.OutputPath, Serialize(signed), overwrite: request.Overwrite, cancellationToken: cancellationToken).ConfigureAwait(false);
        return signed;
    }

    /// <summary>
    /// Loads a signed enclave file and verifies it against an application directory (default: this process's,
    /// never the directory recorded at signing), then reads its trust anchors.
    /// </summary>
    /// <param name="signedPath">The JSON written by <see cref="SignToFileAsync"/>.</param>
    /// <param name="applicationDirectory">The application directory to measure; <see langword="null"/> for this process's.</param>
    /// <param name="cancellationToken">Cancels the read and the hashing.</param>
    /// <returns>The verified identity and anchors.</returns>
    /// <exception cref="TeeException">The file is not a signed enclave, the signature is invalid, a file is unmeasured, missing or differs (named), or the anchors are malformed.</exception>
    public static async Task<VerifiedEnclave> VerifyFileAsync(string signedPath, string? applicationDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signedPath);
        SignedEnclave signed = await LoadAsync(signedPath, cancellationToken).ConfigureAwait(false);
        EnclaveIdentity identity = await VerifyAsync(signed, applicationDirectory, cancellationToken).ConfigureAwait(false);
        return new VerifiedEnclave(identity, ReadTrustAnchors(signed));
    }

    private static TrustAnchors? LoadTrustAnchors(Uri? kmsUrl, string? kmsCaPath)
    {
        if (kmsUrl is null && kmsCaPath is null)
        {
            return null;
        }

        if (kmsUrl is null || kmsCaPath is null)
        {
            throw new ArgumentException("The KMS URL and the KMS CA certificate go together: the measured trust anchors are both, or neither.");
        }

        if (!File.Exists(kmsCaPath))
        {
            throw new FileNotFoundException(
                $"KMS CA certificate '{kmsCaPath}' does not exist; pass the KMS CA certificate (PEM or DER), e.g. the workspace's tls/ca.crt.", kmsCaPath);
        }

        X509Certificate2 ca;
        try
        {
            SecretFiles.Check(kmsCaPath, SecretFileKind.TrustAnchor);
            ca = X509CertificateLoader.LoadCertificateFromFile(kmsCaPath);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException($"KMS CA certificate '{kmsCaPath}' is not a certificate ({exception.Message}); pass a PEM or DER X.509 certificate.", exception);
        }

        using (ca)
        {
            return TrustAnchors.Create(kmsUrl, ca);
        }
    }

    private static async Task<RSA> LoadSigningKeyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Signing key '{path}' does not exist; create one with 'ppml keys enclave' or 'ppml init'.", path);
        }

        string pem = await SecretFiles.ReadAllTextAsync(path, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false);
        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch (ArgumentException exception)
        {
            key.Dispose();
            throw new InvalidDataException($"'{path}' is not a PEM RSA private key ({exception.Message}).", exception);
        }
    }
}
