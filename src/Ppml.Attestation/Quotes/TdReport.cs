namespace Ppml.Attestation.Quotes;

/// <summary>A TD report body of a TDX quote: 584 bytes for TDX 1.0, 648 bytes for TDX 1.5.</summary>
public sealed class TdReport
{
    /// <summary>The length of a TDX 1.0 TD report in bytes.</summary>
    public const int Size10 = 584;

    /// <summary>The length of a TDX 1.5 TD report in bytes.</summary>
    public const int Size15 = 648;

    internal TdReport(ReadOnlyMemory<byte> raw)
    {
        Raw = raw;
    }

    /// <summary>The raw bytes.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>True for a TDX 1.5 report (with <see cref="TeeTcbSvn2"/> and <see cref="MrServiceTd"/>).</summary>
    public bool IsTdx15 => Raw.Length == Size15;

    /// <summary>TEE_TCB_SVN (16 bytes): byte 0 is the TDX module ISVSVN, byte 1 its major version.</summary>
    public ReadOnlyMemory<byte> TeeTcbSvn => Raw[..16];

    /// <summary>MRSEAM (48 bytes): measurement of the TDX module.</summary>
    public ReadOnlyMemory<byte> MrSeam => Raw.Slice(16, 48);

    /// <summary>MRSIGNERSEAM (48 bytes): signer of the TDX module (zero for Intel's).</summary>
    public ReadOnlyMemory<byte> MrSignerSeam => Raw.Slice(64, 48);

    /// <summary>SEAMATTRIBUTES (8 bytes).</summary>
    public ReadOnlyMemory<byte> SeamAttributes => Raw.Slice(112, 8);

    /// <summary>TDATTRIBUTES (8 bytes).</summary>
    public ReadOnlyMemory<byte> TdAttributes => Raw.Slice(120, 8);

    /// <summary>XFAM (8 bytes).</summary>
    public ReadOnlyMemory<byte> Xfam => Raw.Slice(128, 8);

    /// <summary>MRTD (48 bytes): measurement of the initial TD contents.</summary>
    public ReadOnlyMemory<byte> MrTd => Raw.Slice(136, 48);

    /// <summary>MRCONFIGID (48 bytes).</summary>
    public ReadOnlyMemory<byte> MrConfigId => Raw.Slice(184, 48);

    /// <summary>MROWNER (48 bytes).</summary>
    public ReadOnlyMemory<byte> MrOwner => Raw.Slice(232, 48);

    /// <summary>MROWNERCONFIG (48 bytes).</summary>
    public ReadOnlyMemory<byte> MrOwnerConfig => Raw.Slice(280, 48);

    /// <summary>RTMR0 (48 bytes): firmware.</summary>
    public ReadOnlyMemory<byte> Rtmr0 => Raw.Slice(328, 48);

    /// <summary>RTMR1 (48 bytes): OS loader and kernel.</summary>
    public ReadOnlyMemory<byte> Rtmr1 => Raw.Slice(376, 48);

    /// <summary>RTMR2 (48 bytes): OS and applications.</summary>
    public ReadOnlyMemory<byte> Rtmr2 => Raw.Slice(424, 48);

    /// <summary>RTMR3 (48 bytes): reserved for the TD's own use.</summary>
    public ReadOnlyMemory<byte> Rtmr3 => Raw.Slice(472, 48);

    /// <summary>REPORTDATA (64 bytes).</summary>
    public ReadOnlyMemory<byte> ReportData => Raw.Slice(520, 64);

    /// <summary>TEE_TCB_SVN2 (16 bytes, TDX 1.5 only; otherwise empty).</summary>
    public ReadOnlyMemory<byte> TeeTcbSvn2 => IsTdx15 ? Raw.Slice(584, 16) : ReadOnlyMemory<byte>.Empty;

    /// <summary>MRSERVICETD (48 bytes, TDX 1.5 only; otherwise empty).</summary>
    public ReadOnlyMemory<byte> MrServiceTd => IsTdx15 ? Raw.Slice(600, 48) : ReadOnlyMemory<byte>.Empty;

    /// <summary>True when TDATTRIBUTES.DEBUG (bit 0) is set: the host can read and change TD state.</summary>
    public bool IsDebug => (Raw.Span[120] & 0x01) != 0;

    /// <summary>True when TDATTRIBUTES.SEPT_VE_DISABLE (bit 28) is set: EPT violations are not delivered as #VE to the TD.</summary>
    public bool IsSeptVeDisabled => (Raw.Span[123] & 0x10) != 0;

    /// <summary>RTMR <paramref name="index"/> (0 to 3).</summary>
    /// <param name="index">Register index.</param>
    /// <returns>48 bytes.</returns>
    public ReadOnlyMemory<byte> GetRtmr(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 3);
        return Raw.Slice(328 + (48 * index), 48);
    }
}
