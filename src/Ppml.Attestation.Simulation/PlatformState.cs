namespace Ppml.Attestation.Simulation;

/// <summary>What the simulated quoting enclave needs besides keys: the platform's identity and SVNs.</summary>
internal sealed record PlatformState
{
    public required byte[] Fmspc { get; init; }

    public required byte[] PceId { get; init; }

    public required byte[] SgxComponents { get; init; }

    public required int PceSvn { get; init; }

    public required int QeIsvSvn { get; init; }
}
