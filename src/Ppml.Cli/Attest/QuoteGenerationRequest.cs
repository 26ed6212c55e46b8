using Ppml.Attestation.Quotes;

namespace Ppml.Cli.Attest;

/// <summary>Inputs of <c>ppml attest quote</c>: sign a simulated quote with a saved simulated platform.</summary>
internal sealed record QuoteGenerationRequest
{
    /// <summary>Directory of a saved simulated platform (<c>--platform</c>).</summary>
    public required string PlatformDirectory { get; init; }

    /// <summary>REPORTDATA as hex, up to 64 bytes (<c>--report-data</c>).</summary>
    public required string ReportDataHex { get; init; }

    /// <summary>Where to write the binary quote (<c>--out</c>).</summary>
    public required string OutPath { get; init; }

    /// <summary>SGX (quote v3) or TDX (quote v4). <value>Default: SGX.</value></summary>
    public TeeType Tee { get; init; } = TeeType.Sgx;

    /// <summary>MRENCLAVE hex (SGX); a fixed simulated value when <see langword="null"/>.</summary>
    public string? MrEnclaveHex { get; init; }

    /// <summary>MRSIGNER hex (SGX); a fixed simulated value when <see langword="null"/>.</summary>
    public string? MrSignerHex { get; init; }

    /// <summary>ISVPRODID (SGX). <value>Default: 0.</value></summary>
    public int IsvProdId { get; init; }

    /// <summary>ISVSVN (SGX). <value>Default: 0.</value></summary>
    public int IsvSvn { get; init; }

    /// <summary>MRTD hex (TDX); a fixed simulated value when <see langword="null"/>.</summary>
    public string? MrTdHex { get; init; }
}
