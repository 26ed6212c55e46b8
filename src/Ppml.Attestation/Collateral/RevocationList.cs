using System.Formats.Asn1;
using System.Security.Cryptography;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// An X.509 CRL (Intel SGX Root CA CRL, or PCK Processor/Platform CA CRL), parsed once so that verification only
/// checks its signature (memoized by exact bytes), its issuer, its extensions, its validity and its serial numbers.
/// </summary>
public sealed class RevocationList
{
    // RFC 5280 §5.2.3 and §5.2.1; Intel's QVL requires both in every CRL (constants::CRL_REQUIRED_EXTENSIONS).
    private const string CrlNumberOid = "2.5.29.20";
    private const string AuthorityKeyIdentifierOid = "2.5.29.35";

    private readonly HashSet<string> _revokedSerials = new(StringComparer.Ordinal);
    private readonly HashSet<string> _extensions = new(StringComparer.Ordinal);
    private readonly SignatureMemo _signatures = new();

    private RevocationList(byte[] der)
    {
        Der = der;
    }

    /// <summary>The DER encoding of the CRL itself (bytes that followed it in the input are not part of it).</summary>
    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>When the CRL was issued; before it the CRL is not yet valid (Intel treats it as expired).</summary>
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
    /// dcap-qvl JSON) or base64 text. As OpenSSL's and BoringSSL's <c>d2i_X509_CRL</c> do, bytes after a complete DER
    /// CRL are ignored (Open Enclave endorsements, for example, end each CRL with a NUL); a truncated CRL is rejected.
    /// </summary>
    /// <param name="data">The CRL bytes in any of the accepted encodings.</param>
    /// <param name="input">Names the input in error messages, for example a file name.</param>
    /// <returns>The parsed CRL.</returns>
    /// <exception cref="AttestationFormatException">The data is not a CRL.</exception>
    public static RevocationList Parse(ReadOnlySpan<byte> data, string input = "CRL")
    {
        byte[] decoded = TextEncodings.DecodeBinaryOrText(data, "X509 CRL", input);
        RevocationList crl;
        try
        {
            crl = new RevocationList(FirstElement(decoded));
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

    /// <summary>True when the CRL has both extensions Intel requires: CRL Number and Authority Key Identifier.</summary>
    internal bool HasRequiredExtensions => _extensions.Contains(CrlNumberOid) && _extensions.Contains(AuthorityKeyIdentifierOid);

    /// <summary>
    /// Intel's <c>Validity::isValid</c> negated: not yet valid before <see cref="ThisUpdate"/>, expired from
    /// <see cref="NextUpdate"/> on (QvE's <c>earliest_expiration_date &lt;= time</c>).
    /// </summary>
    internal bool IsExpiredAt(DateTimeOffset time) => time < ThisUpdate || (NextUpdate is { } next && time >= next);

    /// <summary>The first DER element of <paramref name="data"/>; what follows it is ignored, as OpenSSL's d2i does.</summary>
    private static byte[] FirstElement(byte[] data)
    {
        if (!AsnDecoder.TryReadEncodedValue(data, AsnEncodingRules.DER, out _, out _, out _, out int consumed))
        {
            throw new AsnContentException("the data does not start with one complete DER element (truncated or not DER)");
        }

        return consumed == data.Length ? data : data[..consumed];
    }

    private void ParseFields()
    {
        var outer = new AsnReader(Der, AsnEncodingRules.DER);
        AsnReader list = outer.ReadSequence();
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

        // crlExtensions [0] EXPLICIT Extensions OPTIONAL (RFC 5280 §5.1).
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            AsnReader extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                AsnReader extension = extensions.ReadSequence();
                _extensions.Add(extension.ReadObjectIdentifier());
            }
        }

        AsnReader algorithm = list.ReadSequence();
        SignatureAlgorithm = algorithm.ReadObjectIdentifier();
        Signature = list.ReadBitString(out _);
        IssuerCommonName = Asn.CommonNameOf(Issuer);
    }
}
