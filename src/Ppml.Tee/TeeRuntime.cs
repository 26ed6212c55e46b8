using Ppml.Core;
using System.Security.Cryptography;
using Ppml.Attestation;
using Ppml.Attestation.Quotes;
using Ppml.Tee.Evidence;
using Ppml.Tee.Measurement;
using Ppml.Tee.Sealing;

namespace Ppml.Tee;

/// <summary>
/// The TEE this process runs in, composed once at start: which TEE (<see cref="TeeDetector"/>), how to get evidence
/// and how to seal. In SGX it speaks Gramine's <c>/dev/attestation</c>; in TDX, configfs-tsm (no sealing); in the
/// explicit simulation mode it loads the signed enclave, measures the running
/// application (every file of <see cref="AppContext.BaseDirectory"/> and of the .NET runtime it runs on) before it will
/// produce any evidence — an unmeasured, missing or changed file stops the start with a <see cref="TeeException"/>
/// naming it — and only then asks the composition root for the simulated evidence
/// (<see cref="TeeRuntimeOptions.SimulatedEvidence"/>; without it simulation fails, there is no default). In every kind it first refuses code-injection settings (<c>DOTNET_STARTUP_HOOKS</c>, <c>LD_PRELOAD</c>,
/// profilers, <c>*.runtimeconfig.dev.json</c>…), and it exposes the measured <see cref="TrustAnchors"/>.
/// </summary>
public sealed class TeeRuntime : IDisposable
{
    private readonly IDisposable[] _owned;

    private TeeRuntime(
        TeeKind kind, IEvidenceProvider evidence, ISealingKeySource sealing, EnclaveIdentity? identity, TrustAnchors? trustAnchors, string description, params IDisposable[] owned)
    {
        Kind = kind;
        TrustAnchors = trustAnchors;
        Evidence = evidence;
        Sealing = sealing;
        Identity = identity;
        Description = description;
        _owned = owned;
    }

    /// <summary>The TEE kind.</summary>
    public TeeKind Kind { get; }

    /// <summary>Whether this is simulation mode (no hardware memory protection).</summary>
    public bool IsSimulation => Kind == TeeKind.Simulation;

    /// <summary>Produces quotes binding 64 bytes of report data.</summary>
    public IEvidenceProvider Evidence { get; }

    /// <summary>
    /// The sealing keys. In TDX every request throws a <see cref="TeeException"/> (a TD has no sealing key; keep secrets
    /// in the KMS and obtain them by attestation).
    /// </summary>
    public ISealingKeySource Sealing { get; }

    /// <summary>
    /// Simulation: the verified identity of the signed enclave. <see langword="null"/> in SGX and TDX, where the
    /// hardware measures the code and reports it in the quote.
    /// </summary>
    public EnclaveIdentity? Identity { get; }

    /// <summary>
    /// The measured trust anchors (KMS URL and CA hash), or <see langword="null"/> when the measurement records none.
    /// Simulation: from the verified signed enclave (folded into MRENCLAVE). SGX and TDX: from
    /// <see cref="TrustAnchors.FileName"/> in the application directory, which the hardware measures. Use these and
    /// refuse a KMS URL or CA from anywhere else (<see cref="TrustAnchors.CheckUrl"/>, <see cref="TrustAnchors.CheckCertificate"/>).
    /// </summary>
    public TrustAnchors? TrustAnchors { get; }

    /// <summary>One line for logs and the CLI (no secrets).</summary>
    public string Description { get; }

    /// <summary>Detects the TEE and composes evidence and sealing.</summary>
    /// <param name="options">The request and, for simulation, the platform, signed enclave and seal secret.</param>
    /// <param name="cancellationToken">Cancels detection and verification.</param>
    /// <returns>The runtime; dispose it to release the simulated platform's keys and the seal secret.</returns>
    /// <exception cref="TeeException">
    /// A code-injection setting is in effect, the requested TEE is absent, simulation is refused (production) or
    /// misconfigured, a file is unmeasured, missing or differs from the signed measurement, or the trust anchors file is invalid.
    /// </exception>
    /// <exception cref="InvalidSettingException"><c>PPML_TEE</c> or <c>PPML_ENVIRONMENT</c> is set to a value outside its closed set.</exception>
    public static async Task<TeeRuntime> CreateAsync(TeeRuntimeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string applicationDirectory = Path.GetFullPath(options.ApplicationDirectory ?? AppContext.BaseDirectory);
        CodeInjectionSettings.Check(options.GetEnvironmentVariable, options.GetAppContextData, applicationDirectory);
        bool isProduction = DeploymentEnvironment.IsProduction(options.GetEnvironmentVariable) || options.IsProduction;
        TeeKind kind = await TeeDetector.DetectAsync(
            options.ConfiguredMode, isProduction, options.FileSystem, options.GetEnvironmentVariable, cancellationToken).ConfigureAwait(false);
        if (kind == TeeKind.Simulation)
        {
            return await CreateSimulationAsync(options, applicationDirectory, cancellationToken).ConfigureAwait(false);
        }

        // The hardware measured the application directory, this file included (Gramine trusted file, TD image).
        TrustAnchors? anchors = await TrustAnchorsFile.LoadAsync(Path.Combine(applicationDirectory, TrustAnchors.FileName), cancellationToken).ConfigureAwait(false);
        if (kind == TeeKind.Sgx)
        {
            var gramine = new GramineSgxEvidenceProvider(options.FileSystem);
            return new TeeRuntime(kind, gramine, new GramineSealingKeySource(options.FileSystem), null, anchors, "SGX enclave (Gramine, DCAP)", gramine);
        }

        return new TeeRuntime(
            kind,
            new TdxTsmEvidenceProvider(options.FileSystem),
            new UnavailableSealingKeySource(
                "A TDX trust domain has no sealing key (there is no EGETKEY); keep secrets in the KMS and obtain them by attestation (secure key release) instead."),
            null,
            anchors,
            "TDX trust domain (configfs-tsm)");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static async Task<TeeRuntime> CreateSimulationAsync(TeeRuntimeOptions options, string applicationDirectory, CancellationToken cancellationToken)
    {
        string platformDirectory = Require(options.SimulationPlatformDirectory, nameof(options.SimulationPlatformDirectory), "the simulated platform directory");
        string signedEnclavePath = Require(options.SignedEnclavePath, nameof(options.SignedEnclavePath), "the signed enclave");
        string secretPath = Require(options.SealingSecretPath, nameof(options.SealingSecretPath), "the seal secret");
        Func<SimulationContext, CancellationToken, Task<IEvidenceProvider>> simulatedEvidence = options.SimulatedEvidence
            ?? throw new TeeException(
                $"Simulation mode needs the simulated platform; compose it at the root: set {nameof(TeeRuntimeOptions)}.{nameof(TeeRuntimeOptions.SimulatedEvidence)} " +
                "(Ppml.Workloads.Simulation.SimulatedTee.Evidence). Ppml.Tee never loads the simulated platform by itself.");
        if (!File.Exists(signedEnclavePath))
        {
            throw new TeeException($"Signed enclave '{signedEnclavePath}' is missing; sign the application with 'ppml enclave sign' ('ppml init' signs ppml itself).");
        }

        // Measure the running application first: nothing else happens for an enclave that is not the one that was signed.
        SignedEnclave signed = await EnclaveSigner.LoadAsync(signedEnclavePath, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RuntimeComponent> runtime = options.RuntimeComponents ?? RuntimeLocator.ForRunningApplication(applicationDirectory, options.GetAppContextData);
        EnclaveIdentity identity = await EnclaveSigner.VerifyAsync(signed, applicationDirectory, runtime, cancellationToken).ConfigureAwait(false);
        TrustAnchors? anchors = EnclaveSigner.ReadTrustAnchors(signed);
        TrustAnchors? inDirectory = await TrustAnchorsFile.LoadAsync(Path.Combine(applicationDirectory, TrustAnchors.FileName), cancellationToken).ConfigureAwait(false);
        if (inDirectory is not null && (anchors is null || inDirectory.ToString() != anchors.ToString()))
        {
            throw new TeeException(
                $"'{Path.Combine(applicationDirectory, TrustAnchors.FileName)}' ({inDirectory}) disagrees with the trust anchors of the signed enclave ({anchors?.ToString() ?? "none"}); sign with the same --kms-url and --kms-ca.");
        }

        IEvidenceProvider evidence;
        try
        {
            var context = new SimulationContext { Identity = identity, PlatformDirectory = platformDirectory, QuoteType = options.SimulatedQuoteType };
            evidence = await simulatedEvidence(context, cancellationToken).ConfigureAwait(false)
                ?? throw new TeeException($"{nameof(TeeRuntimeOptions)}.{nameof(TeeRuntimeOptions.SimulatedEvidence)} returned no evidence provider.");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or AttestationFormatException or IOException)
        {
            throw new TeeException($"The simulated platform in '{platformDirectory}' cannot be loaded: {exception.Message}", exception);
        }

        // From here on the runtime owns the provider (and through it the platform's keys).
        IDisposable? owned = evidence as IDisposable;
        if (evidence.Kind != TeeKind.Simulation)
        {
            owned?.Dispose();
            throw new TeeException(
                $"{nameof(TeeRuntimeOptions)}.{nameof(TeeRuntimeOptions.SimulatedEvidence)} returned a provider for {evidence.Kind.ToName()}; simulation mode needs simulated evidence.");
        }

        DerivedSealingKeySource sealing;
        try
        {
            byte[] secret = await DerivedSealingKeySource.ReadSecretAsync(secretPath, cancellationToken).ConfigureAwait(false);
            try
            {
                sealing = new DerivedSealingKeySource(secret, identity);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
        catch
        {
            owned?.Dispose();
            throw;
        }

        string description =
            $"SIMULATION (memory is NOT hardware-protected): enclave '{signed.Name}' mrenclave {identity.MrEnclaveHex[..16]}... mrsigner {identity.MrSignerHex[..16]}..., " +
            $"{signed.Files.Count} measured files verified{(anchors is null ? string.Empty : ", measured KMS " + anchors.KmsUrl)}, simulated {(options.SimulatedQuoteType == TeeType.Tdx ? "TDX" : "SGX")} quotes";
        return new TeeRuntime(TeeKind.Simulation, evidence, sealing, identity, anchors, description, owned is null ? [sealing] : [owned, sealing]);
    }

    private static string Require(string? value, string option, string what) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new TeeException($"Simulation mode needs {what} ({nameof(TeeRuntimeOptions)}.{option}); 'ppml init' creates it in the workspace.")
            : value;
}
