using System.Formats.Asn1;
using System.Security.Cryptography;
using Ppml.Attestation.Collateral;

namespace Ppml.Attestation.Internal;

/// <summary>
/// The fields of an X.509 certificate that DCAP verification uses, parsed with <see cref="AsnReader"/> so that a
/// hostile certificate can only produce <see cref="AttestationFormatException"/>.
/// </summary>
internal sealed class ParsedCertificate
{
    public const string SgxExtensionOid = "1.2.840.113741.1.13.1";

    private readonly Lazy<SgxExtensionsParse> _sgxExtensions;
    private readonly SignatureMemo _signatures = new();

    private ParsedCertificate(byte[] der)
    {
        Der = der;
        _sgxExtensions = new Lazy<SgxExtensionsParse>(ParseSgxExtensions);
    }

    public byte[] Der { get; }

    public ReadOnlyMemory<byte> Tbs { get; private set; }

    public ReadOnlyMemory<byte> Signature { get; private set; }

    public string SignatureAlgorithm { get; private set; } = string.Empty;

    public string SerialNumber { get; private set; } = string.Empty;

    public ReadOnlyMemory<byte> Issuer { get; private set; }

    public ReadOnlyMemory<byte> Subject { get; private set; }

    public string IssuerCommonName { get; private set; } = string.Empty;

    public string SubjectCommonName { get; private set; } = string.Empty;

    public DateTimeOffset NotBefore { get; private set; }

    public DateTimeOffset NotAfter { get; private set; }

    /// <summary>Uncompressed P-256 point (65 bytes), or empty when the key is not an EC P-256 key.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; private set; }

    public ReadOnlyMemory<byte> SgxExtensionValue { get; private set; }

    public bool IsSelfIssued => Subject.Span.SequenceEqual(Issuer.Span);

    /// <summary>The SGX extension (OID 1.2.840.113741.1.13.1), or the reason it is missing or malformed.</summary>
    public SgxExtensionsParse SgxExtensions => _sgxExtensions.Value;

    public static ParsedCertificate Parse(ReadOnlySpan<byte> der, string input)
    {
        var certificate = new ParsedCertificate(der.ToArray());
        try
        {
            certificate.ParseFields();
        }
        catch (Exception exception) when (exception is AsnContentException or CryptographicException or ArgumentException or InvalidOperationException)
        {
            throw new AttestationFormatException(
                $"{input}: not a DER X.509 certificate ({Asn.Describe(exception)}).", input, offset: null, exception);
        }

        return certificate;
    }

    /// <summary>True when <paramref name="issuer"/>'s key verifies this certificate's signature (ecdsa-with-SHA256); memoized.</summary>
    public bool IsSignedBy(ParsedCertificate issuer) =>
        SignatureAlgorithm == Asn.EcdsaWithSha256 &&
        _signatures.Check(issuer.PublicKey.Span, () => EcdsaP256.Verify(issuer.PublicKey.Span, Tbs.Span, Signature.Span, DSASignatureFormat.Rfc3279DerSequence));

    private void ParseFields()
    {
        var outer = new AsnReader(Der, AsnEncodingRules.DER);
        AsnReader certificate = outer.ReadSequence();
        if (outer.HasData)
        {
            throw new AsnContentException("trailing data after the certificate");
        }

        // The reader hands out slices of Der, so these fields share its array.
        Tbs = certificate.PeekEncodedValue();

        AsnReader tbs = certificate.ReadSequence();
        var explicitVersion = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag().HasSameClassAndValue(explicitVersion))
        {
            tbs.ReadSequence(explicitVersion);
        }

        SerialNumber = Asn.SerialKey(tbs.ReadIntegerBytes().Span);
        tbs.ReadSequence(); // signature AlgorithmIdentifier (repeated outside the TBS)
        Issuer = tbs.ReadEncodedValue();
        AsnReader validity = tbs.ReadSequence();
        NotBefore = Asn.ReadTime(validity);
        NotAfter = Asn.ReadTime(validity);
        Subject = tbs.ReadEncodedValue();
        PublicKey = ReadPublicKey(tbs.ReadSequence());

        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        while (tbs.HasData)
        {
            Asn1Tag tag = tbs.PeekTag();
            if (!tag.HasSameClassAndValue(extensionsTag))
            {
                tbs.ReadEncodedValue(); // issuerUniqueID / subjectUniqueID
                continue;
            }

            AsnReader extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                AsnReader extension = extensions.ReadSequence();
                string oid = extension.ReadObjectIdentifier();
                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                {
                    extension.ReadBoolean();
                }

                ReadOnlyMemory<byte> value = extension.ReadOctetString();
                if (oid == SgxExtensionOid)
                {
                    SgxExtensionValue = value;
                }
            }
        }

        AsnReader algorithm = certificate.ReadSequence();
        SignatureAlgorithm = algorithm.ReadObjectIdentifier();
        Signature = certificate.ReadBitString(out _);
        IssuerCommonName = Asn.CommonNameOf(Issuer);
        SubjectCommonName = Asn.CommonNameOf(Subject);
    }

    private static ReadOnlyMemory<byte> ReadPublicKey(AsnReader spki)
    {
        AsnReader algorithm = spki.ReadSequence();
        string keyType = algorithm.ReadObjectIdentifier();
        string? curve = algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier)
            ? algorithm.ReadObjectIdentifier()
            : null;
        ReadOnlyMemory<byte> key = spki.ReadBitString(out _);
        return keyType == Asn.EcPublicKey && curve == Asn.Prime256v1 && key.Length == 65 && key.Span[0] == 0x04
            ? key
            : ReadOnlyMemory<byte>.Empty;
    }

    private SgxExtensionsParse ParseSgxExtensions()
    {
        if (SgxExtensionValue.IsEmpty)
        {
            return new SgxExtensionsParse(null, $"certificate '{SubjectCommonName}' has no SGX extension ({SgxExtensionOid})");
        }

        try
        {
            return new SgxExtensionsParse(SgxPckExtensions.Parse(SgxExtensionValue.Span), null);
        }
        catch (AttestationFormatException exception)
        {
            return new SgxExtensionsParse(null, exception.Message);
        }
    }
}

/// <summary>The SGX extension of a PCK certificate, or why it could not be read.</summary>
internal sealed record SgxExtensionsParse(SgxPckExtensions? Extensions, string? Error);
