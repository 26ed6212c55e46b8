using Ppml.Core;
using System.Security.Cryptography;
using QuoteCollateral = Ppml.Attestation.Collateral.QuoteCollateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Crypto.Keys;
using Ppml.Tee.Evidence;
using Ppml.Tee.Measurement;
using Ppml.Tee.Sealing;
using Ppml.Tee.Tests.Fakes;
using Ppml.Tee.Tests.Measurement;
using Ppml.Testing;
using Ppml.Workloads.Simulation;

namespace Ppml.Tee.Tests;

public sealed partial class TeeRuntimeTests : IAsyncLifetime
{
    private static readonly Lazy<RSA> s_key = new(() => RsaKeyGenerator.Generate(3072, 3));
    private readonly TempDirectory _temp = new();
    private SignedEnclave _signed = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string App => _temp.Combine("app");

    private IReadOnlyList<RuntimeComponent> Runtime { get; set; } = [];

    public async ValueTask InitializeAsync()
    {
        SyntheticApplication.Write(App);
        File.WriteAllText(Path.Combine(App, "Ppml.Tee.dll"), "assembly three");
        Runtime = SyntheticApplication.WriteRuntime(_temp.Combine("dotnet"));
        using (SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token))
        {
            await platform.SaveAsync(_temp.Combine("platform"), Token);
        }

        _signed = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), s_key.Value, trustAnchors: null, Runtime, Token);
        await File.WriteAllBytesAsync(_temp.Combine("app.sig.json"), EnclaveSigner.Serialize(_signed), Token);
        await DerivedSealingKeySource.WriteNewSecretAsync(_temp.Combine("seal.secret"), Token);
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private TeeRuntimeOptions Simulation(Func<string, string?>? environment = null, string? applicationDirectory = null) => new()
    {
        ConfiguredMode = TeeKind.Simulation,
        FileSystem = new EmulatedTeeFileSystem(),
        GetEnvironmentVariable = environment ?? (_ => null),
        SimulationPlatformDirectory = _temp.Combine("platform"),
        SimulatedEvidence = SimulatedTee.Evidence,
        SignedEnclavePath = _temp.Combine("app.sig.json"),
        SealingSecretPath = _temp.Combine("seal.secret"),
        ApplicationDirectory = applicationDirectory ?? App,
        RuntimeComponents = Runtime,
    };

    [Fact]
    public async Task Create_Simulation_VerifiesTheEnclaveAndQuotesItsMeasurement()
    {
        using TeeRuntime runtime = await TeeRuntime.CreateAsync(Simulation(), Token);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await runtime.Evidence.GetQuoteAsync(reportData, Token);
        byte[] collateral = (await ((IEvidenceCollateralSource)runtime.Evidence).GetCollateralAsync(quote, Token))!;
        byte[] root = await File.ReadAllBytesAsync(_temp.Combine("platform", SimulatedPlatformFiles.RootCertificate), Token);
        QuoteVerificationResult result = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = root })
            .Verify(quote, QuoteCollateral.ParseBundleJson(collateral));

        Assert.True(runtime.IsSimulation);
        Assert.Equal(TeeKind.Simulation, runtime.Evidence.Kind);
        Assert.Equal(_signed.MrEnclave, runtime.Identity!.MrEnclaveHex);
        Assert.Contains("NOT hardware-protected", runtime.Description, StringComparison.Ordinal);
        Assert.True(result.Valid, result.ToDisplayString());
        Assert.Equal(_signed.MrEnclave, result.MrEnclave);
        Assert.Equal(_signed.MrSigner, result.MrSigner);
        Assert.Equal(_signed.IsvProdId, result.IsvProdId);
        Assert.Equal(_signed.IsvSvn, result.IsvSvn);
    }

    [Fact]
    public async Task Create_Simulation_TamperedTrustedFile_RefusesNamingTheFile()
    {
        File.AppendAllText(Path.Combine(App, "Ppml.Tee.dll"), "!");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));

        Assert.Contains("Ppml.Tee.dll", error.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to produce evidence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_ApplicationDirectoryOverride_VerifiesThere()
    {
        string copy = SyntheticApplication.Copy(App, _temp.Combine("copy"));
        File.AppendAllText(Path.Combine(App, "ppml.dll"), "changed in the original place");

        using TeeRuntime runtime = await TeeRuntime.CreateAsync(Simulation(applicationDirectory: copy), Token);

        Assert.Equal(_signed.MrEnclave, runtime.Identity!.MrEnclaveHex);
    }

    [Fact]
    public async Task Create_Simulation_TdxQuotes()
    {
        TeeRuntimeOptions options = Simulation();
        using TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = options.ConfiguredMode,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                ApplicationDirectory = options.ApplicationDirectory,
                RuntimeComponents = options.RuntimeComponents,
                SimulatedQuoteType = TeeType.Tdx,
            },
            Token);

        Quote quote = Quote.Parse(await runtime.Evidence.GetQuoteAsync(new byte[64], Token));

        Assert.Equal(TeeType.Tdx, quote.Tee);
    }

    [Fact]
    public async Task Create_Simulation_SealsBoundToTheVerifiedEnclave()
    {
        byte[] blob;
        using (TeeRuntime runtime = await TeeRuntime.CreateAsync(Simulation(), Token))
        {
            blob = await Sealer.SealAsync(runtime.Sealing, SealingPolicy.MrEnclave, "model weights key"u8.ToArray(), Token);
        }

        using (TeeRuntime again = await TeeRuntime.CreateAsync(Simulation(), Token))
        {
            Assert.Equal("model weights key"u8.ToArray(), await Sealer.UnsealAsync(again.Sealing, blob, Token));
        }

        // Another application (other trusted files, so another MRENCLAVE) on the same platform cannot unseal.
        File.WriteAllText(Path.Combine(App, "extra.dll"), "a new assembly");
        SignedEnclave other = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), s_key.Value, trustAnchors: null, Runtime, Token);
        await File.WriteAllBytesAsync(_temp.Combine("app.sig.json"), EnclaveSigner.Serialize(other), Token);
        using TeeRuntime otherRuntime = await TeeRuntime.CreateAsync(Simulation(), Token);
        await Assert.ThrowsAsync<TeeException>(() => Sealer.UnsealAsync(otherRuntime.Sealing, blob, Token));
    }

    [Fact]
    public async Task Create_Simulation_InProduction_IsRefused()
    {
        TeeRuntimeOptions options = Simulation();

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = TeeKind.Simulation,
                IsProduction = true,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
            },
            Token));

        Assert.Contains("production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_MissingParts_FailWithWhatToDo()
    {
        Directory.Delete(_temp.Combine("platform"), recursive: true);
        TeeException noPlatform = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));
        TeeException noEnclave = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Simulation, FileSystem = new EmulatedTeeFileSystem(), GetEnvironmentVariable = _ => null, SimulationPlatformDirectory = "p", SealingSecretPath = "s" },
            Token));

        Assert.Contains("simulated platform", noPlatform.Message, StringComparison.Ordinal);
        Assert.Contains("sim-platform", noPlatform.Message, StringComparison.Ordinal);
        Assert.Contains("SignedEnclavePath", noEnclave.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_WithoutTheHook_FailsAndNamesTheCompositionRoot()
    {
        TeeRuntimeOptions options = Simulation();

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = options.ConfiguredMode,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                ApplicationDirectory = options.ApplicationDirectory,
                RuntimeComponents = options.RuntimeComponents,
            },
            Token));

        Assert.StartsWith("Simulation mode needs the simulated platform; compose it at the root", error.Message, StringComparison.Ordinal);
        Assert.Contains("TeeRuntimeOptions.SimulatedEvidence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_HookGetsTheVerifiedIdentityAndTheRuntimeOwnsTheProvider()
    {
        TeeRuntimeOptions options = Simulation();
        SimulationContext? seen = null;
        var provider = new DisposableEvidence(TeeKind.Simulation);

        TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = options.ConfiguredMode,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                ApplicationDirectory = options.ApplicationDirectory,
                RuntimeComponents = options.RuntimeComponents,
                SimulatedQuoteType = TeeType.Tdx,
                SimulatedEvidence = (context, _) =>
                {
                    seen = context;
                    return Task.FromResult<IEvidenceProvider>(provider);
                },
            },
            Token);
        Assert.Same(provider, runtime.Evidence);
        Assert.False(provider.IsDisposed);
        runtime.Dispose();

        Assert.True(provider.IsDisposed);
        Assert.NotNull(seen);
        Assert.Same(runtime.Identity, seen.Identity);
        Assert.Equal(_signed.MrEnclave, seen.Identity.MrEnclaveHex);
        Assert.Equal(options.SimulationPlatformDirectory, seen.PlatformDirectory);
        Assert.Equal(TeeType.Tdx, seen.QuoteType);
    }

    [Fact]
    public async Task Create_Simulation_HookReturningHardwareEvidence_IsRefusedAndDisposed()
    {
        TeeRuntimeOptions options = Simulation();
        var provider = new DisposableEvidence(TeeKind.Sgx);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = options.ConfiguredMode,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                ApplicationDirectory = options.ApplicationDirectory,
                RuntimeComponents = options.RuntimeComponents,
                SimulatedEvidence = (_, _) => Task.FromResult<IEvidenceProvider>(provider),
            },
            Token));

        Assert.Contains("simulation mode needs simulated evidence", error.Message, StringComparison.Ordinal);
        Assert.True(provider.IsDisposed);
    }

    [Fact]
    public async Task Create_Simulation_SealSecretReadableByOthers_IsRefused()
    {
        File.SetUnixFileMode(_temp.Combine("seal.secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AutoWithoutTee_NeverFallsBackToSimulation()
    {
        TeeRuntimeOptions options = Simulation();

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = null,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
            },
            Token));

        Assert.Contains("No TEE found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Sgx_UsesGramineForEvidenceAndSealing()
    {
        using TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Sgx, FileSystem = EmulatedTeeFileSystem.WithGramine(), GetEnvironmentVariable = _ => null }, Token);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await runtime.Evidence.GetQuoteAsync(reportData, Token);
        byte[] key = await runtime.Sealing.GetKeyAsync(SealingPolicy.MrEnclave, Token);

        Assert.Equal(TeeKind.Sgx, runtime.Kind);
        Assert.IsType<GramineSgxEvidenceProvider>(runtime.Evidence);
        Assert.Equal(reportData, quote.AsSpan(48 + 320, 64).ToArray());
        Assert.Equal(32, key.Length);
        Assert.Null(runtime.Identity);
    }

    [Fact]
    public async Task Create_Tdx_EvidenceFromTsm_SealingRefusedWithReason()
    {
        using TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Tdx, FileSystem = EmulatedTeeFileSystem.WithTsm(), GetEnvironmentVariable = _ => null }, Token);

        byte[] quote = await runtime.Evidence.GetQuoteAsync(new byte[64], Token);
        TeeException sealing = await Assert.ThrowsAsync<TeeException>(() => runtime.Sealing.GetKeyAsync(SealingPolicy.MrEnclave, Token));

        Assert.Equal(TeeKind.Tdx, runtime.Kind);
        Assert.NotEmpty(quote);
        Assert.Contains("no sealing key", sealing.Message, StringComparison.Ordinal);
        Assert.Contains("KMS", sealing.Message, StringComparison.Ordinal);
    }
}
