namespace Ppml.Attestation.Simulation;

/// <summary>Less common fields of a simulated SGX quote.</summary>
public sealed record SgxQuoteOptions
{
    /// <summary>MISCSELECT of the ISV enclave. <value>Default: 0.</value></summary>
    public uint MiscSelect { get; init; }

    /// <summary>CONFIGID (up to 64 bytes). <value>Default: zeros.</value></summary>
    public ReadOnlyMemory<byte> ConfigId { get; init; }

    /// <summary>CONFIGSVN. <value>Default: 0.</value></summary>
    public int ConfigSvn { get; init; }
}
