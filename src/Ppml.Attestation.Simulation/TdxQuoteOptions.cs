namespace Ppml.Attestation.Simulation;

/// <summary>Fields and knobs of a simulated TDX quote.</summary>
public sealed record TdxQuoteOptions
{
    /// <summary>Default TDATTRIBUTES: SEPT_VE_DISABLE (bit 28) set, DEBUG clear.</summary>
    public const ulong SeptVeDisable = 1UL << 28;

    /// <summary>TDATTRIBUTES (bit 0 DEBUG, bit 28 SEPT_VE_DISABLE). <value>Default: <see cref="SeptVeDisable"/>.</value></summary>
    public ulong TdAttributes { get; init; } = SeptVeDisable;

    /// <summary>XFAM. <value>Default: 0x00000000000602E7 (x87, SSE, AVX, AVX-512, PK, ...).</value></summary>
    public ulong Xfam { get; init; } = 0x00000000000602E7;

    /// <summary>
    /// Status of the TDX TCB level the quote's TEE_TCB_SVN selects (UpToDate to Revoked); the result is the worse of
    /// this and the platform's SGX level. <value>Default: UpToDate.</value>
    /// </summary>
    public TcbStatus TdxTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>Status of the TDX module (UpToDate, OutOfDate or Revoked) in identity TDX_01. <value>Default: UpToDate.</value></summary>
    public TcbStatus ModuleTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>
    /// Quote v5 only: status of the TDX module after a run-time update, written to TEE_TCB_SVN2; when it is newer
    /// than <see cref="ModuleTcbStatus"/> Intel's rules advise a TD relaunch. <value>Default: same as <see cref="ModuleTcbStatus"/>.</value>
    /// </summary>
    public TcbStatus? UpdatedModuleTcbStatus { get; init; }

    /// <summary>Write quote v5 with a TD report 1.5 body instead of quote v4 with TD report 1.0. <value>Default: <see langword="false"/>.</value></summary>
    public bool UseQuoteV5 { get; init; }

    /// <summary>MRCONFIGID (up to 48 bytes). <value>Default: zeros.</value></summary>
    public ReadOnlyMemory<byte> MrConfigId { get; init; }

    /// <summary>MROWNER (up to 48 bytes). <value>Default: zeros.</value></summary>
    public ReadOnlyMemory<byte> MrOwner { get; init; }
}
