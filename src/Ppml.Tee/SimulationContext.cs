using Ppml.Attestation.Quotes;
using Ppml.Tee.Measurement;

namespace Ppml.Tee;

/// <summary>
/// What <see cref="TeeRuntimeOptions.SimulatedEvidence"/> receives in simulation mode, after <see cref="TeeRuntime"/>
/// has verified the signed enclave against the running application: the identity the quotes must carry, where the
/// simulated platform lives and which quote layout to produce.
/// </summary>
public sealed record SimulationContext
{
    /// <summary>The verified identity of the signed enclave (MRENCLAVE, MRSIGNER, ISVPRODID, ISVSVN, debug).</summary>
    public required EnclaveIdentity Identity { get; init; }

    /// <summary>The saved simulated platform (<see cref="TeeRuntimeOptions.SimulationPlatformDirectory"/>).</summary>
    public required string PlatformDirectory { get; init; }

    /// <summary>The quote layout to produce: SGX v3 or TDX v4 (<see cref="TeeRuntimeOptions.SimulatedQuoteType"/>).</summary>
    public required TeeType QuoteType { get; init; }
}
