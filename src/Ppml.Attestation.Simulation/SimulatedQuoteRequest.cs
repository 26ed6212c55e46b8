using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Simulation;

/// <summary>
/// A test quote for an ASSERTED measurement, signed by a saved simulated platform (<see cref="SimulatedQuotes.CreateAsync"/>):
/// the measurement is whatever the caller says, nothing was measured. It exercises verifiers and policies; it is not
/// evidence of anything.
/// </summary>
public sealed record SimulatedQuoteRequest
{
    /// <summary>Directory of a platform saved by <see cref="SimulatedPlatform.SaveAsync"/>.</summary>
    public required string PlatformDirectory { get; init; }

    /// <summary>REPORTDATA, at most 64 bytes (zero-padded).</summary>
    public required ReadOnlyMemory<byte> ReportData { get; init; }

    /// <summary>SGX (quote v3) or TDX (quote v4). <value>Default: <see cref="TeeType.Sgx"/>.</value></summary>
    public TeeType Tee { get; init; } = TeeType.Sgx;

    /// <summary>MRENCLAVE (32 bytes, SGX). <value>Default: <see langword="null"/>, <see cref="SimulatedQuotes.DefaultMrEnclave"/>.</value></summary>
    public ReadOnlyMemory<byte>? MrEnclave { get; init; }

    /// <summary>MRSIGNER (32 bytes, SGX). <value>Default: <see langword="null"/>, <see cref="SimulatedQuotes.DefaultMrSigner"/>.</value></summary>
    public ReadOnlyMemory<byte>? MrSigner { get; init; }

    /// <summary>ISVPRODID (SGX). <value>Default: 0.</value></summary>
    public int IsvProdId { get; init; }

    /// <summary>ISVSVN (SGX). <value>Default: 0.</value></summary>
    public int IsvSvn { get; init; }

    /// <summary>MRTD (48 bytes, TDX). <value>Default: <see langword="null"/>, <see cref="SimulatedQuotes.DefaultMrTd"/>.</value></summary>
    public ReadOnlyMemory<byte>? MrTd { get; init; }
}
