using Ppml.Attestation.Quotes;
using Ppml.Tee.IO;

namespace Ppml.Tee;

/// <summary>Settings of <see cref="TeeRuntime.CreateAsync"/>: which TEE is requested and, for simulation, where its parts live.</summary>
public sealed class TeeRuntimeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tee";

    /// <summary>
    /// The configured mode: <c>sgx</c>, <c>tdx</c>, <c>simulation</c>, or <c>auto</c>/<see langword="null"/>. The
    /// <c>PPML_TEE</c> environment variable overrides it (<see cref="TeeDetector"/>). <value>Default: auto.</value>
    /// </summary>
    public string? ConfiguredMode { get; init; }

    /// <summary>A production setting: simulation is refused. <value>Default: <see langword="false"/>.</value></summary>
    public bool IsProduction { get; init; }

    /// <summary>Where <c>/dev/attestation</c> and configfs-tsm are probed. <value>Default: the real file system.</value></summary>
    public ITeeFileSystem FileSystem { get; init; } = new PhysicalTeeFileSystem();

    /// <summary>Environment lookup (for <c>PPML_TEE</c>). <value>Default: the process environment.</value></summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Simulation: the saved simulated platform (<c>ppml init</c> writes <c>attestation/platform</c>).</summary>
    public string? SimulationPlatformDirectory { get; init; }

    /// <summary>Simulation: the signed enclave (<c>ppml enclave sign</c>; <c>ppml init</c> writes <c>enclave/ppml.sig.json</c>).</summary>
    public string? SignedEnclavePath { get; init; }

    /// <summary>
    /// Simulation: where the trusted files are now; <see langword="null"/> for the directory recorded at signing.
    /// </summary>
    public string? ApplicationDirectory { get; init; }

    /// <summary>Simulation: the platform seal secret (the simulated fuse key, mode 0600; <c>attestation/seal.secret</c>).</summary>
    public string? SealingSecretPath { get; init; }

    /// <summary>Simulation: the quote layout to produce, SGX v3 or TDX v4. <value>Default: SGX.</value></summary>
    public TeeType SimulatedQuoteType { get; init; } = TeeType.Sgx;

    /// <inheritdoc />
    public override string ToString() =>
        $"TeeRuntimeOptions {{ ConfiguredMode = {ConfiguredMode ?? "auto"}, IsProduction = {IsProduction}, SimulationPlatformDirectory = {SimulationPlatformDirectory}, " +
        $"SignedEnclavePath = {SignedEnclavePath}, ApplicationDirectory = {ApplicationDirectory ?? "(recorded)"}, SealingSecretPath = {SealingSecretPath}, SimulatedQuoteType = {SimulatedQuoteType} }}";
}
