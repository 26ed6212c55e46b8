namespace Ppml.Core;

/// <summary>The trusted execution environment the process runs in.</summary>
public enum TeeKind
{
    /// <summary>Intel SGX through Gramine (<c>/dev/attestation</c>).</summary>
    Sgx,

    /// <summary>An Intel TDX confidential VM (configfs-tsm reports).</summary>
    Tdx,

    /// <summary>No hardware protection: same protocols and formats, memory readable by the host. Explicit only.</summary>
    Simulation,
}
