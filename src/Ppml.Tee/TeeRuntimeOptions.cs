using Ppml.Attestation.Quotes;
using Ppml.Core;
using Ppml.Tee.Evidence;
using Ppml.Tee.IO;
using Ppml.Tee.Measurement;

namespace Ppml.Tee;

/// <summary>Settings of <see cref="TeeRuntime.CreateAsync"/>: which TEE is requested and, for simulation, where its parts live.</summary>
public sealed class TeeRuntimeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tee";

    /// <summary>
    /// The configured request: a TEE kind, or <see langword="null"/> for auto-detection. <c>PPML_TEE</c> overrides it
    /// (parsed strictly, <see cref="TeeKinds.TryReadEnvironment"/>). <value>Default: auto.</value>
    /// </summary>
    public TeeKind? ConfiguredMode { get; init; }

    /// <summary>
    /// Forces a production setting: simulation is refused. <c>PPML_ENVIRONMENT=production</c> (read strictly from
    /// <see cref="GetEnvironmentVariable"/>, <see cref="DeploymentEnvironment.IsProduction"/>) does the same whatever this
    /// says. <value>Default: <see langword="false"/>.</value>
    /// </summary>
    public bool IsProduction { get; init; }

    /// <summary>Where <c>/dev/attestation</c> and configfs-tsm are probed. <value>Default: the real file system.</value></summary>
    public ITeeFileSystem FileSystem { get; init; } = new PhysicalTeeFileSystem();

    /// <summary>
    /// Environment lookup: <c>PPML_TEE</c>, <c>PPML_ENVIRONMENT</c>, and the code-injection variables that are refused
    /// (<c>DOTNET_STARTUP_HOOKS</c>, <c>LD_PRELOAD</c>, profilers…). <value>Default: the process environment.</value>
    /// </summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// AppContext property lookup: <c>STARTUP_HOOKS</c> (refused) and the framework deps files that locate the runtime
    /// measured in simulation. <value>Default: <see cref="AppContext.GetData"/>.</value>
    /// </summary>
    public Func<string, object?> GetAppContextData { get; init; } = AppContext.GetData;

    /// <summary>Simulation: the saved simulated platform (<c>ppml init</c> writes <c>attestation/platform</c>).</summary>
    public string? SimulationPlatformDirectory { get; init; }

    /// <summary>Simulation: the signed enclave (<c>ppml enclave sign</c>; <c>ppml init</c> writes <c>enclave/ppml.sig.json</c>).</summary>
    public string? SignedEnclavePath { get; init; }

    /// <summary>
    /// For tests only: the application directory to measure (and to read <c>ppml.trust.json</c> from) instead of this
    /// process's <see cref="AppContext.BaseDirectory"/>. <see langword="null"/> (the default, and the only production
    /// value) measures the running application; the directory recorded at signing is never used.
    /// </summary>
    public string? ApplicationDirectory { get; init; }

    /// <summary>
    /// For tests only: the runtime components measured with the application in simulation instead of the shared
    /// frameworks and host this process runs on. <see langword="null"/> (the default) measures the real ones.
    /// </summary>
    public IReadOnlyList<RuntimeComponent>? RuntimeComponents { get; init; }

    /// <summary>Simulation: the platform seal secret (the simulated fuse key, mode 0600; <c>attestation/seal.secret</c>).</summary>
    public string? SealingSecretPath { get; init; }

    /// <summary>Simulation: the quote layout to produce, SGX v3 or TDX v4. <value>Default: SGX.</value></summary>
    public TeeType SimulatedQuoteType { get; init; } = TeeType.Sgx;

    /// <summary>
    /// Simulation: the composition hook that produces evidence from the simulated platform, which this library does
    /// not reference (production code never carries the test PKI by default). Hosts set it at their composition root,
    /// usually to <c>Ppml.Workloads.Simulation.SimulatedTee.Evidence</c>. <see cref="TeeRuntime"/> calls it only after it
    /// has verified the signed enclave, with that identity, <see cref="SimulationPlatformDirectory"/> and
    /// <see cref="SimulatedQuoteType"/>; it then owns the returned provider and disposes it with itself when the provider
    /// is <see cref="IDisposable"/> (releasing the platform's keys). A <see cref="FileNotFoundException"/>,
    /// <see cref="DirectoryNotFoundException"/>, <see cref="IOException"/> or
    /// <see cref="Ppml.Attestation.AttestationFormatException"/> from the hook is reported as a platform that cannot be
    /// loaded. <see langword="null"/> (the default): simulation mode fails with a <see cref="TeeException"/>.
    /// </summary>
    public Func<SimulationContext, CancellationToken, Task<IEvidenceProvider>>? SimulatedEvidence { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"TeeRuntimeOptions {{ ConfiguredMode = {ConfiguredMode?.ToName() ?? TeeKinds.Auto}, IsProduction = {IsProduction}, SimulationPlatformDirectory = {SimulationPlatformDirectory}, " +
        $"SignedEnclavePath = {SignedEnclavePath}, ApplicationDirectory = {ApplicationDirectory ?? "(the running application)"}, " +
        $"RuntimeComponents = {(RuntimeComponents is null ? "(the running runtime)" : RuntimeComponents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
        $"SealingSecretPath = {SealingSecretPath}, SimulatedQuoteType = {SimulatedQuoteType}, SimulatedEvidence = {(SimulatedEvidence is null ? "(none)" : "(composed)")} }}";
}
