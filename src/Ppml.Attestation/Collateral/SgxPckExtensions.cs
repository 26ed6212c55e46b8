using System.Formats.Asn1;
using System.Numerics;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC, PCE-ID and the
/// TCB (16 SGX component SVNs, PCESVN and CPUSVN) that TCB level matching compares against TCB Info.
/// </summary>
public sealed record SgxPckExtensions
{
    private const string Root = "1.2.840.113741.1.13.1";

    /// <summary>Platform Provisioning ID (16 bytes).</summary>
    public required ReadOnlyMemory<byte> Ppid { get; init; }

    /// <summary>The 16 SGX TCB component SVNs (<c>sgxtcbcomp01svn</c>..<c>sgxtcbcomp16svn</c>).</summary>
    public required IReadOnlyList<byte> TcbComponents { get; init; }

    /// <summary>PCE security version number of the TCB this certificate was issued for.</summary>
    public required int PceSvn { get; init; }

    /// <summary>The raw CPUSVN (16 bytes).</summary>
    public required ReadOnlyMemory<byte> CpuSvn { get; init; }

    /// <summary>PCE identifier (2 bytes).</summary>
    public required ReadOnlyMemory<byte> PceId { get; init; }

    /// <summary>Family-Model-Stepping-Platform-CustomSKU (6 bytes); selects the TCB Info.</summary>
    public required ReadOnlyMemory<byte> Fmspc { get; init; }

    /// <summary>SGX type: 0 Standard, 1 Scalable, 2 Scalable with integrity.</summary>
    public required int SgxType { get; init; }

    /// <summary>Platform instance ID (16 bytes; Platform CA certificates only), else empty.</summary>
    public ReadOnlyMemory<byte> PlatformInstanceId { get; init; }

    /// <summary>Parses the extension value (the DER inside the extension's OCTET STRING).</summary>
    /// <param name="extensionValue">DER bytes of the SGX extension value.</param>
    /// <returns>The parsed extension.</returns>
    /// <exception cref="AttestationFormatException">The value is not a well-formed SGX extension.</exception>
    public static SgxPckExtensions Parse(ReadOnlySpan<byte> extensionValue)
    {
        try
        {
            return ParseCore(extensionValue.ToArray());
        }
        catch (Exception exception) when (exception is AsnContentException or OverflowException or ArgumentException)
        {
            throw new AttestationFormatException(
                $"PCK certificate SGX extension ({Root}) is malformed: {Asn.Describe(exception)}.", "sgxExtension", null, exception);
        }
    }

    private static SgxPckExtensions ParseCore(byte[] value)
    {
        byte[]? ppid = null;
        byte[]? pceId = null;
        byte[]? fmspc = null;
        byte[]? cpuSvn = null;
        byte[]? platformInstanceId = null;
        int? sgxType = null;
        int? pceSvn = null;
        byte[] components = new byte[16];
        int componentsSeen = 0;

        var reader = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader entries = reader.ReadSequence();
        while (entries.HasData)
        {
            AsnReader entry = entries.ReadSequence();
            string oid = entry.ReadObjectIdentifier();
            switch (oid)
            {
                case Root + ".1":
                    ppid = ReadFixed(entry, 16, "PPID");
                    break;
                case Root + ".2":
                    AsnReader tcb = entry.ReadSequence();
                    while (tcb.HasData)
                    {
                        AsnReader item = tcb.ReadSequence();
                        string tcbOid = item.ReadObjectIdentifier();
                        if (!tcbOid.StartsWith(Root + ".2.", StringComparison.Ordinal) ||
                            !int.TryParse(tcbOid.AsSpan(Root.Length + 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
                        {
                            item.ReadEncodedValue();
                            continue;
                        }

                        if (index is >= 1 and <= 16)
                        {
                            components[index - 1] = checked((byte)ReadSmallInteger(item, 255, $"TCB component {index}"));
                            componentsSeen |= 1 << (index - 1);
                        }
                        else if (index == 17)
                        {
                            pceSvn = ReadSmallInteger(item, ushort.MaxValue, "PCESVN");
                        }
                        else if (index == 18)
                        {
                            cpuSvn = ReadFixed(item, 16, "CPUSVN");
                        }
                    }

                    break;
                case Root + ".3":
                    pceId = ReadFixed(entry, 2, "PCE-ID");
                    break;
                case Root + ".4":
                    fmspc = ReadFixed(entry, 6, "FMSPC");
                    break;
                case Root + ".5":
                    sgxType = (int)entry.ReadEnumeratedValue<SgxTypeValue>();
                    break;
                case Root + ".6":
                    platformInstanceId = ReadFixed(entry, 16, "PlatformInstanceID");
                    break;
                default:
                    // Configuration (.7) and future entries are not used for verification.
                    break;
            }
        }

        if (reader.HasData)
        {
            throw new AsnContentException("trailing data after the extension");
        }

        string? missing = ppid is null ? "PPID" :
            componentsSeen != 0xFFFF ? "TCB component SVNs" :
            pceSvn is null ? "PCESVN" :
            cpuSvn is null ? "CPUSVN" :
            pceId is null ? "PCE-ID" :
            fmspc is null ? "FMSPC" :
            sgxType is null ? "SGX Type" : null;
        if (missing is not null)
        {
            throw new AttestationFormatException(
                $"PCK certificate SGX extension ({Root}) has no {missing}; Intel PCK certificates always carry it.", "sgxExtension", null);
        }

        return new SgxPckExtensions
        {
            Ppid = ppid!,
            TcbComponents = components,
            PceSvn = pceSvn!.Value,
            CpuSvn = cpuSvn!,
            PceId = pceId!,
            Fmspc = fmspc!,
            SgxType = sgxType!.Value,
            PlatformInstanceId = platformInstanceId ?? ReadOnlyMemory<byte>.Empty,
        };
    }

    private static byte[] ReadFixed(AsnReader reader, int length, string what)
    {
        byte[] bytes = reader.ReadOctetString();
        if (bytes.Length != length)
        {
            throw new AsnContentException($"{what} is {bytes.Length} bytes, expected {length}");
        }

        return bytes;
    }

    private static int ReadSmallInteger(AsnReader reader, int max, string what)
    {
        BigInteger value = reader.ReadInteger();
        if (value < 0 || value > max)
        {
            throw new AsnContentException($"{what} is {value}, outside 0..{max}");
        }

        return (int)value;
    }

    private enum SgxTypeValue
    {
        Standard = 0,
        Scalable = 1,
        ScalableWithIntegrity = 2,
    }
}
