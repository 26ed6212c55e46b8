using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Core;
using Ppml.Kms;
using Ppml.Tee;
using Ppml.Core.IO;

namespace Ppml.Workloads;

/// <summary>
/// The KMS URL and CA an attested session uses must be the ones measured into the application, never files from an
/// untrusted mount: a host that swaps the CA could otherwise answer as the KMS, feed the workload data of its choosing
/// and learn the keys of its outputs.
/// </summary>
internal static class TrustAnchorCheck
{
    /// <summary>
    /// Loads the CA once (the certificate checked is the certificate used), and checks URL and CA against the measured
    /// anchors. Inside SGX or TDX anchors are required; in simulation, without anchors, it warns.
    /// </summary>
    /// <returns>The CA certificate to pin, or <see langword="null"/> for the system roots (simulation without anchors only).</returns>
    public static async Task<X509Certificate2?> LoadAndVerifyAsync(TeeRuntime runtime, PpmlSessionOptions options)
    {
        X509Certificate2? ca = Load(options.CaCertificatePath);
        try
        {
            if (runtime.TrustAnchors is { } anchors)
            {
                anchors.CheckUrl(new Uri(options.KmsUri));
                if (ca is null)
                {
                    throw new WorkloadException(
                        $"The application's measurement pins the KMS CA (SHA-256 {anchors.KmsCaSha256Hex}), but no CA certificate was given: pass the CA file (--ca-file); it must be that certificate.",
                        isInvalidInput: true);
                }

                anchors.CheckCertificate(ca);
                return ca;
            }

            if (runtime.Kind != TeeKind.Simulation)
            {
                throw new WorkloadException(
                    $"Inside {runtime.Kind.ToName()} the KMS URL and CA must be measured into the application (ppml.trust.json; 'ppml enclave sign --kms-url URL --kms-ca FILE'); none is, so KMS {options.KmsUri} cannot be trusted.");
            }

            if (options.Diagnostics is not null)
            {
                await options.Diagnostics.WriteLineAsync(
                    $"WARNING: SIMULATION: the KMS URL and CA are not measured into the signed application, so a host that swaps the CA could answer as KMS {options.KmsUri}; pin them with 'ppml enclave sign --kms-url URL --kms-ca FILE'.").ConfigureAwait(false);
            }

            return ca;
        }
        catch
        {
            ca?.Dispose();
            throw;
        }
    }

    private static X509Certificate2? Load(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            SecretFiles.Check(path, SecretFileKind.TrustAnchor);
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException && exception is not InsecureFileException)
        {
            throw new KmsException(
                KmsErrorCode.InvalidRequest,
                $"CA certificate '{path}' cannot be read ({exception.Message}); pass the KMS server's CA (tls/ca.crt of its workspace).",
                exception);
        }
    }
}
