using System.Formats.Asn1;
using System.Security.Cryptography;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// An X.509 CRL (Intel SGX Root CA CRL, or PCK Processor/Platform CA CRL), parsed once so that verification only
/// checks its signature (memoized by exact bytes), its issuer and its serial numbers.
/// </summary>
public sealed class RevocationList
{
    private readonly HashSet<string> _revokedSerials = new(StringComparer.Ordinal);
    private readonly SignatureMemo _signatures = new();

    private RevocationList(byte[] der)
    {
        Der = der;
    }

    /// <summary>The DER encoding.</summary>
    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>When the CRL was issued.</summary>
    public DateTimeOffset ThisUpdate { get; private set; }

    /// <summary>When the next CRL is due; after it the CRL has expired. <see langword="null"/> when absent.</summary>
    public DateTimeOffset? NextUpdate { get; private set; }

    /// <summary>Common name of the issuer.</summary>
    public string IssuerCommonName { get; private set; } = string.Empty;

    /// <summary>Number of revoked certificates listed.</summary>
    public int RevokedCount => _revokedSerials.Count;

    internal ReadOnlyMemory<byte> Issuer { get; private set; }

    internal ReadOnlyMemory<byte> Tbs { get; private set; }

    internal ReadOnlyMemory<byte> Signature { get; private set; }

    internal string SignatureAlgorithm { get; private set; } = string.Empty;

    /// <summary>
    /// Parses a CRL given as DER, PEM (<c>-----BEGIN X509 CRL-----</c>), hex text (as in Intel's collateral and
    /// dcap-qvl JSON) or base64 text.
    /// </summary>
    /// <param name="data">The CRL bytes in any of the accepted encodings.</param>
    /// <param name="input">Names the input in error messages, for example a file name.</param>
    /// <returns>The parsed CRL.</returns>
    /// <exception cref="AttestationFormatException">The data is not a CRL.</exception>
    public static RevocationList Parse(ReadOnlySpan<byte> data, string input = "CRL")
    {
        byte[] der = TextEncodings.DecodeBinaryOrText(data, "X509 CRL", input);
        var crl = new RevocationList(der);
        try
        {
            crl.ParseFields();
        }
        catch (Exception exception) when (exception is AsnContentException or CryptographicException or ArgumentException)
        {
            throw new AttestationFormatException($"{input}: not a DER X.509 CRL ({Asn.Describe(exception)}).", input, null, exception);
        }

        return crl;
    }

    /// <summary>True when the CRL lists <paramref name="certificate"/> (same issuer and serial number).</summary>
    internal bool IsRevoked(ParsedCertificate certificate) =>
        certificate.Issuer.Span.SequenceEqual(Issuer.Span) && _revokedSerials.Contains(certificate.SerialNumber);

    /// <summary>True when <paramref name="issuer"/>'s key verifies the CRL signature (ecdsa-with-SHA256); memoized.</summary>
    internal bool IsSignedBy(ParsedCertificate issuer) =>
        SignatureAlgorithm == Asn.EcdsaWithSha256 &&
        _signatures.Check(issuer.PublicKey.Span, () => EcdsaP256.Verify(issuer.PublicKey.Span, Tbs.Span, Signature.Span, DSASignatureFormat.Rfc3279DerSequence));

    internal bool IsExpiredAt(DateTimeOffset time) => NextUpdate is { } next && time >= next;

    private void ParseFields()
    {
        var outer = new AsnReader(Der, AsnEncodingRules.DER);
        AsnReader list = outer.ReadSequence();
        if (outer.HasData)
        {
            throw new AsnContentException("trailing data after the CRL");
        }

        Tbs = list.PeekEncodedValue();
        AsnReader tbs = list.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        Issuer = tbs.ReadEncodedValue();
        ThisUpdate = Asn.ReadTime(tbs);
        if (tbs.HasData && Asn.IsTime(tbs.PeekTag()))
        {
            NextUpdate = Asn.ReadTime(tbs);
        }

        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            AsnReader revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                AsnReader entry = revoked.ReadSequence();
                _revokedSerials.Add(Asn.SerialKey(entry.ReadIntegerBytes().Span));
                Asn.ReadTime(entry);
            }
        }

        AsnReader algorithm = list.ReadSequence();
        SignatureAlgorithm = algorithm.ReadObjectIdentifier();
        Signature = list.ReadBitString(out _);
        IssuerCommonName = Asn.CommonNameOf(Issuer);
    }
}
