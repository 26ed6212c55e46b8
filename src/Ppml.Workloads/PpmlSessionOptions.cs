using Ppml.Tee;

namespace Ppml.Workloads;

/// <summary>Settings of <see cref="PpmlSession.OpenAsync"/>: which KMS, with which credential, and how the TEE is reached.</summary>
public sealed class PpmlSessionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Session";

    /// <summary>The KMS: <c>file:ABSOLUTE_PATH</c> (the embedded store) or <c>https://HOST:PORT</c> (a KMS server).</summary>
    public required string KmsUri { get; init; }

    /// <summary>The password of a <c>file:</c> store.</summary>
    public string? KmsPassword { get; init; }

    /// <summary>
    /// The API key for a KMS server. It names the application; for a key with a release policy it never suffices on its
    /// own: the credential of a workload is its attestation.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// The CA certificate (PEM) the KMS server's certificate must chain to. Inside SGX and TDX, and in simulation when the
    /// signed application measured one, it must be the measured CA (the TEE runtime's trust anchors), or the session refuses.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The key that wraps the data keys of outputs when a write names none. <value>Default: <c>primary</c>.</value></summary>
    public string DefaultKeyName { get; init; } = "primary";

    /// <summary>Whether the session attests. <value>Default: <see cref="SessionAttestation.Auto"/>.</value></summary>
    public SessionAttestation Attestation { get; init; } = SessionAttestation.Auto;

    /// <summary>
    /// The attestation policy to attest under; <see langword="null"/> takes the one named by the release policy of the
    /// first guarded key the session meets.
    /// </summary>
    public string? AttestationPolicyId { get; init; }

    /// <summary>
    /// Starts the TEE runtime of this process (detection, and in simulation the measurement of the running application).
    /// Needed when the session attests; the host composes it (the workspace's simulated platform, or the hardware).
    /// </summary>
    public Func<CancellationToken, Task<TeeRuntime>>? CreateTeeRuntimeAsync { get; init; }

    /// <summary>
    /// Whether inputs that are not PPML containers are accepted when the KMS is a server. <value>Default:
    /// <see langword="false"/>: a workload that attests reads only authenticated data unless told otherwise.</value>
    /// </summary>
    public bool AllowPlaintextInputs { get; init; }

    /// <summary>Where one-line notices go (the simulation warning, the attestation summary). <value>Default: none.</value></summary>
    public TextWriter? Diagnostics { get; init; }

    /// <summary>The clock (token renewal). <value>Default: the system clock.</value></summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether <see cref="KmsUri"/> names a KMS server.</summary>
    public bool IsKmsServer => KmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() =>
        $"PpmlSessionOptions {{ KmsUri = {KmsUri}, KmsPassword = {(KmsPassword is null ? "null" : "***")}, ApiKey = {(ApiKey is null ? "null" : "***")}, " +
        $"CaCertificatePath = {CaCertificatePath}, DefaultKeyName = {DefaultKeyName}, Attestation = {Attestation}, AttestationPolicyId = {AttestationPolicyId}, " +
        $"AllowPlaintextInputs = {AllowPlaintextInputs} }}";
}
