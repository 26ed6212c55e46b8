using System.Formats.Asn1;
using System.Globalization;

namespace Ppml.Attestation.Internal;

/// <summary>Small DER helpers shared by the certificate, CRL and SGX-extension parsers.</summary>
internal static class Asn
{
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string Prime256v1 = "1.2.840.10045.3.1.7";
    public const string CommonName = "2.5.4.3";

    private static readonly Asn1Tag s_utcTime = new(UniversalTagNumber.UtcTime);
    private static readonly Asn1Tag s_generalizedTime = new(UniversalTagNumber.GeneralizedTime);

    public static DateTimeOffset ReadTime(AsnReader reader)
    {
        Asn1Tag tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(s_utcTime))
        {
            return reader.ReadUtcTime();
        }

        if (tag.HasSameClassAndValue(s_generalizedTime))
        {
            return reader.ReadGeneralizedTime();
        }

        throw new AsnContentException("expected UTCTime or GeneralizedTime");
    }

    public static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(s_utcTime) || tag.HasSameClassAndValue(s_generalizedTime);

    /// <summary>The first commonName (2.5.4.3) of a DER Name, or an empty string.</summary>
    public static string CommonNameOf(ReadOnlyMemory<byte> name)
    {
        var reader = new AsnReader(name, AsnEncodingRules.DER);
        AsnReader sequence = reader.ReadSequence();
        while (sequence.HasData)
        {
            AsnReader set = sequence.ReadSetOf(skipSortOrderValidation: true);
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string oid = attribute.ReadObjectIdentifier();
                if (oid == CommonName)
                {
                    Asn1Tag tag = attribute.PeekTag();
                    if (tag.TagClass == TagClass.Universal)
                    {
                        return attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                    }
                }
            }
        }

        return string.Empty;
    }

    /// <summary>DER INTEGER content as lowercase hex with leading zero padding removed (a stable serial-number key).</summary>
    public static string SerialKey(ReadOnlySpan<byte> integerContent)
    {
        int start = 0;
        while (start < integerContent.Length - 1 && integerContent[start] == 0)
        {
            start++;
        }

        return Convert.ToHexStringLower(integerContent[start..]);
    }

    public static string Describe(Exception exception) =>
        exception.Message.Length <= 120 ? exception.Message : exception.Message[..117] + "...";

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
