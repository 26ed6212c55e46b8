using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Attestation;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;

namespace Ppml.Kms.Server.Attestation;

/// <summary>
/// What the (still unverified) PCK chain embedded in a quote says: its certificates and the platform's FMSPC. Used only
/// to choose the trust anchor and the cached collateral; the verifier then checks everything.
/// </summary>
internal sealed record QuotePlatform(IReadOnlyList<ReadOnlyMemory<byte>> Chain, string? FmspcHex)
{
    private const string SgxExtensionOid = "1.2.840.113741.1.13.1";

    public static QuotePlatform Read(Quote quote)
    {
        CertificationData data = quote.SignatureData.CertificationData;
        if (data.Type != CertificationDataType.PckCertificateChain)
        {
            return new QuotePlatform([], null);
        }

        IReadOnlyList<ReadOnlyMemory<byte>> chain;
        try
        {
            chain = CertificateChain.Parse(data.Data.Span, "PCK certificate chain in the quote").Certificates;
        }
        catch (AttestationFormatException)
        {
            return new QuotePlatform([], null);
        }

        foreach (ReadOnlyMemory<byte> der in chain)
        {
            try
            {
                using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der.Span);
                if (certificate.Extensions[SgxExtensionOid] is { } extension)
                {
                    return new QuotePlatform(chain, Convert.ToHexStringLower(SgxPckExtensions.Parse(extension.RawData).Fmspc.Span));
                }
            }
            catch (Exception exception) when (exception is CryptographicException or AttestationFormatException)
            {
                // Not a usable certificate: the verifier will say why; there is no FMSPC to key collateral by.
            }
        }

        return new QuotePlatform(chain, null);
    }

    public bool Contains(ReadOnlySpan<byte> certificate)
    {
        foreach (ReadOnlyMemory<byte> der in Chain)
        {
            if (der.Span.SequenceEqual(certificate))
            {
                return true;
            }
        }

        return false;
    }
}
