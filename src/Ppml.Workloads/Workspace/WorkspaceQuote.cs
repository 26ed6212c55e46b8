using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;

namespace Ppml.Workloads.Workspace;

/// <summary>A quote that <see cref="WorkspaceEvidence.QuoteAsync"/> wrote.</summary>
/// <param name="Bytes">The binary quote.</param>
/// <param name="Quote">The quote parsed (TEE, version, measurements).</param>
/// <param name="IsSimulated">Whether a simulated platform signed it (it verifies only against that platform's root).</param>
/// <param name="IsAsserted">Whether the measurement was asserted by the caller rather than measured.</param>
/// <param name="PlatformDirectory">The simulated platform directory used (or that would be used).</param>
public sealed record WorkspaceQuote(byte[] Bytes, Quote Quote, bool IsSimulated, bool IsAsserted, string PlatformDirectory)
{
    /// <summary>The simulated platform's root CA certificate: the only root a simulated quote verifies against.</summary>
    public string SimulatedRootCertificatePath => Path.Combine(PlatformDirectory, SimulatedPlatformFiles.RootCertificate);
}
