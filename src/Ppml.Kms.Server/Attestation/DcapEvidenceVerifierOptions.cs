namespace Ppml.Kms.Server.Attestation;

/// <summary>Settings of <see cref="DcapEvidenceVerifier"/>.</summary>
public sealed class DcapEvidenceVerifierOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KmsServer:Attestation";

    /// <summary>
    /// The root CA (PEM or DER) of a simulated platform whose quotes are also accepted, with <c>"tee": "simulation"</c>
    /// in their tokens. Only an operator sets this (<c>ppml kms serve --simulated-platform DIR</c>); the Intel SGX Root
    /// CA is always the anchor for everything else. <value>Default: none (only Intel-rooted evidence).</value>
    /// </summary>
    public ReadOnlyMemory<byte>? SimulatedRootCertificate { get; init; }

    /// <summary>Where the simulated platform came from, for logs. <value>Default: none.</value></summary>
    public string? SimulatedPlatformSource { get; init; }

    /// <summary>
    /// Collateral bundles (JSON shaped like <c>sgx_ql_qve_collateral_t</c>) to seed the collateral cache with, e.g. the
    /// simulated platform's or collateral fetched from Intel PCS. They are verified with every quote that uses them.
    /// <value>Default: none.</value>
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Collateral { get; init; } = [];

    /// <summary>Expired collateral makes a quote invalid (instead of being left to the policy). <value>Default: <see langword="false"/>.</value></summary>
    public bool Strict { get; init; }
}
