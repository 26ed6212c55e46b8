using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ppml.Tee;

/// <summary>
/// The trust anchors that are part of this process's measurement: the KMS URL and the SHA-256 of the KMS CA
/// certificate's DER encoding. In simulation they come from the signed enclave (signed and folded into MRENCLAVE); in
/// SGX and TDX from <see cref="FileName"/> in the application directory, a file the hardware measures (a Gramine trusted
/// file, part of a TD image). Code that talks to the KMS takes the URL and CA from here and refuses any other
/// (<see cref="CheckUrl"/>, <see cref="CheckCertificate"/>): a CA or URL from the workspace or the command line is not
/// measured, so the host could choose it.
/// </summary>
public sealed class TrustAnchors
{
    /// <summary>The anchors file in the application directory (SGX, TDX): <c>{"kmsUrl": "https://…", "kmsCaSha256": "hex"}</c>.</summary>
    public const string FileName = "ppml.trust.json";

    private readonly byte[] _kmsCaSha256;

    /// <summary>Creates the anchors.</summary>
    /// <param name="kmsUrl">The KMS base URL: absolute, <c>https</c>.</param>
    /// <param name="kmsCaSha256">SHA-256 of the KMS CA certificate's DER encoding (32 bytes).</param>
    /// <exception cref="TeeException">The URL is not an absolute https URL, or the hash is not 32 bytes.</exception>
    public TrustAnchors(Uri kmsUrl, ReadOnlySpan<byte> kmsCaSha256)
    {
        ArgumentNullException.ThrowIfNull(kmsUrl);
        if (!kmsUrl.IsAbsoluteUri || kmsUrl.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(kmsUrl.UserInfo) || !string.IsNullOrEmpty(kmsUrl.Query) || !string.IsNullOrEmpty(kmsUrl.Fragment))
        {
            throw new TeeException($"KMS URL '{kmsUrl}' is not a plain absolute https URL; use https://HOST:PORT.");
        }

        if (kmsCaSha256.Length != SHA256.HashSizeInBytes)
        {
            throw new TeeException($"The KMS CA hash has {kmsCaSha256.Length} bytes; expected the 32-byte SHA-256 of the CA certificate's DER encoding.");
        }

        KmsUrl = kmsUrl;
        _kmsCaSha256 = kmsCaSha256.ToArray();
    }

    /// <summary>The KMS base URL (absolute, https).</summary>
    public Uri KmsUrl { get; }

    /// <summary>SHA-256 of the KMS CA certificate's DER encoding (32 bytes).</summary>
    public ReadOnlyMemory<byte> KmsCaSha256 => _kmsCaSha256;

    /// <summary><see cref="KmsCaSha256"/> as lowercase hex.</summary>
    public string KmsCaSha256Hex => Convert.ToHexStringLower(_kmsCaSha256);

    /// <summary>The anchors for <paramref name="kmsUrl"/> and the CA certificate <paramref name="kmsCa"/>.</summary>
    /// <param name="kmsUrl">The KMS base URL (https).</param>
    /// <param name="kmsCa">The CA certificate that issues the KMS's TLS certificate.</param>
    /// <returns>The anchors.</returns>
    public static TrustAnchors Create(Uri kmsUrl, X509Certificate2 kmsCa)
    {
        ArgumentNullException.ThrowIfNull(kmsCa);
        return new TrustAnchors(kmsUrl, SHA256.HashData(kmsCa.RawData));
    }

    /// <summary>Throws unless <paramref name="ca"/> is the measured KMS CA.</summary>
    /// <param name="ca">The CA certificate about to be trusted.</param>
    /// <exception cref="TeeException">It is another certificate (the message names both hashes).</exception>
    public void CheckCertificate(X509Certificate2 ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        byte[] actual = SHA256.HashData(ca.RawData);
        if (!CryptographicOperations.FixedTimeEquals(actual, _kmsCaSha256))
        {
            throw new TeeException(
                $"KMS CA certificate '{ca.Subject}' has SHA-256 {Convert.ToHexStringLower(actual)}, but the measured trust anchor is {KmsCaSha256Hex}; " +
                "use the CA the enclave was signed with ('ppml enclave sign --kms-ca', or ppml.trust.json in SGX/TDX).");
        }
    }

    /// <summary>Throws unless <paramref name="url"/> is the measured KMS URL (scheme, host and port case-insensitive, path exact, trailing '/' ignored).</summary>
    /// <param name="url">The KMS URL about to be used.</param>
    /// <exception cref="TeeException">It is another URL (the message names both).</exception>
    public void CheckUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool same = url.IsAbsoluteUri
            && string.Equals(url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped), KmsUrl.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped), StringComparison.OrdinalIgnoreCase)
            && string.Equals(url.AbsolutePath.TrimEnd('/'), KmsUrl.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal)
            && string.IsNullOrEmpty(url.UserInfo);
        if (!same)
        {
            throw new TeeException(
                $"KMS URL '{url}' is not the measured trust anchor '{KmsUrl}'; use the URL the enclave was signed with ('ppml enclave sign --kms-url', or ppml.trust.json in SGX/TDX).");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"kms {KmsUrl} ca-sha256 {KmsCaSha256Hex}";
}
