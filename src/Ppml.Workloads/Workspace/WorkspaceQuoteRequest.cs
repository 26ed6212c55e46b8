using Ppml.Attestation.Quotes;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// A quote from a workspace (<see cref="WorkspaceEvidence.QuoteAsync"/>): by default this workload's evidence, from
/// the workspace's TEE runtime; with an asserted measurement, a test quote signed by a simulated platform instead.
/// Paths are used as given (resolve relative paths first).
/// </summary>
public sealed record WorkspaceQuoteRequest
{
    /// <summary>The workspace directory (its configuration, signed enclave and simulated platform).</summary>
    public required string WorkspaceRoot { get; init; }

    /// <summary>REPORTDATA to bind, at most 64 bytes (zero-padded to 64).</summary>
    public required ReadOnlyMemory<byte> ReportData { get; init; }

    /// <summary>Where to write the binary quote, atomically (an existing file is replaced).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Another simulated platform directory. <value>Default: <see langword="null"/>, the workspace's.</value></summary>
    public string? PlatformDirectory { get; init; }

    /// <summary>Another signed enclave. <value>Default: <see langword="null"/>, the workspace's signature of ppml.</value></summary>
    public string? SignedEnclavePath { get; init; }

    /// <summary>The simulated quote layout: SGX (v3) or TDX (v4); in a real TEE the hardware decides. <value>Default: SGX.</value></summary>
    public TeeType QuoteType { get; init; } = TeeType.Sgx;

    /// <summary>An asserted MRENCLAVE (32 bytes, SGX) for a test quote instead of this workload's evidence.</summary>
    public ReadOnlyMemory<byte>? AssertedMrEnclave { get; init; }

    /// <summary>An asserted MRSIGNER (32 bytes, SGX) for a test quote instead of this workload's evidence.</summary>
    public ReadOnlyMemory<byte>? AssertedMrSigner { get; init; }

    /// <summary>An asserted MRTD (48 bytes, TDX) for a test quote instead of this workload's evidence.</summary>
    public ReadOnlyMemory<byte>? AssertedMrTd { get; init; }

    /// <summary>Whether a measurement is asserted: the quote is then a test quote, not evidence of anything measured.</summary>
    public bool IsAsserted => AssertedMrEnclave is not null || AssertedMrSigner is not null || AssertedMrTd is not null;
}
