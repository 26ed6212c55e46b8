using System.Buffers.Binary;

namespace Ppml.Attestation.Quotes;

/// <summary>
/// An SGX enclave report body (384 bytes): the ISV enclave report of an SGX quote, and the QE report inside every
/// quote's signature data.
/// </summary>
public sealed class SgxEnclaveReport
{
    /// <summary>The length of an enclave report in bytes.</summary>
    public const int Size = 384;

    internal SgxEnclaveReport(ReadOnlyMemory<byte> raw)
    {
        Raw = raw;
    }

    /// <summary>The 384 raw bytes.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>CPUSVN (16 bytes).</summary>
    public ReadOnlyMemory<byte> CpuSvn => Raw[..16];

    /// <summary>MISCSELECT (4 bytes, little-endian on the wire).</summary>
    public ReadOnlyMemory<byte> MiscSelectBytes => Raw.Slice(16, 4);

    /// <summary>MISCSELECT as an integer.</summary>
    public uint MiscSelect => BinaryPrimitives.ReadUInt32LittleEndian(Raw.Span[16..]);

    /// <summary>ISVEXTPRODID (16 bytes).</summary>
    public ReadOnlyMemory<byte> IsvExtProdId => Raw.Slice(32, 16);

    /// <summary>ATTRIBUTES (16 bytes: 8 bytes flags, 8 bytes XFRM).</summary>
    public ReadOnlyMemory<byte> Attributes => Raw.Slice(48, 16);

    /// <summary>MRENCLAVE (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrEnclave => Raw.Slice(64, 32);

    /// <summary>MRSIGNER (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrSigner => Raw.Slice(128, 32);

    /// <summary>CONFIGID (64 bytes).</summary>
    public ReadOnlyMemory<byte> ConfigId => Raw.Slice(192, 64);

    /// <summary>ISVPRODID.</summary>
    public int IsvProdId => BinaryPrimitives.ReadUInt16LittleEndian(Raw.Span[256..]);

    /// <summary>ISVSVN.</summary>
    public int IsvSvn => BinaryPrimitives.ReadUInt16LittleEndian(Raw.Span[258..]);

    /// <summary>CONFIGSVN.</summary>
    public int ConfigSvn => BinaryPrimitives.ReadUInt16LittleEndian(Raw.Span[260..]);

    /// <summary>ISVFAMILYID (16 bytes).</summary>
    public ReadOnlyMemory<byte> IsvFamilyId => Raw.Slice(304, 16);

    /// <summary>REPORTDATA (64 bytes).</summary>
    public ReadOnlyMemory<byte> ReportData => Raw.Slice(320, 64);

    /// <summary>True when ATTRIBUTES.DEBUG (bit 1) is set: enclave memory can be read by a debugger.</summary>
    public bool IsDebug => (Raw.Span[48] & 0x02) != 0;
}
