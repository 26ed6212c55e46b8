using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ppml.Core;
using Ppml.Tee.Measurement;
using Ppml.Tee.Tests.Fakes;
using Ppml.Tee.Tests.Measurement;

namespace Ppml.Tee.Tests;

/// <summary>The attacks of the review (issue 10), each performed and shown refused.</summary>
public sealed partial class TeeRuntimeTests
{
    [Fact]
    public async Task Create_Simulation_PatchedCopyElsewhere_RefusedNamingTheFile()
    {
        // The signed document names the genuine directory; the patched copy is what runs (its AppContext.BaseDirectory).
        string copy = SyntheticApplication.Copy(App, _temp.Combine("patched"));
        byte[] bytes = File.ReadAllBytes(Path.Combine(copy, "ppml.dll"));
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(Path.Combine(copy, "ppml.dll"), bytes);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(applicationDirectory: copy), Token));
        byte[] recomputed = await EnclaveSigner.ComputeMrEnclaveAsync(copy, Runtime, trustAnchors: null, Token);

        Assert.Contains(Path.Combine(copy, "ppml.dll"), error.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to produce evidence", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(_signed.MrEnclave, Convert.ToHexStringLower(recomputed));
    }

    [Fact]
    public async Task Create_Simulation_DefaultDirectory_IsTheRunningApplication_NotTheRecordedOne()
    {
        // No override: the runtime measures this process's AppContext.BaseDirectory (the test binaries), never the
        // directory recorded in the signed document (the genuine synthetic application), so it refuses.
        TeeRuntimeOptions options = Simulation();
        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = TeeKind.Simulation,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                RuntimeComponents = Runtime,
            },
            Token));

        Assert.Equal(App, _signed.BaseDirectory);
        Assert.Contains(AppContext.BaseDirectory, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.dll")]
    [InlineData("de/x.resources.dll")]
    public async Task Create_Simulation_FileAddedAfterSigning_RefusedNamingIt(string added)
    {
        string path = Path.GetFullPath(Path.Combine(App, added));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "injected");

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Unmeasured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AnyKind_RuntimeConfigDevJson_Refused()
    {
        File.WriteAllText(Path.Combine(App, "ppml.runtimeconfig.dev.json"), """{"runtimeOptions": {"additionalProbingPaths": ["/tmp/evil"]}}""");

        TeeException simulation = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));
        TeeException sgx = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Sgx, FileSystem = EmulatedTeeFileSystem.WithGramine(), GetEnvironmentVariable = _ => null, ApplicationDirectory = App },
            Token));

        Assert.Contains("ppml.runtimeconfig.dev.json", simulation.Message, StringComparison.Ordinal);
        Assert.Contains("ppml.runtimeconfig.dev.json", sgx.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DOTNET_STARTUP_HOOKS", "/tmp/Hook.dll")]
    [InlineData("LD_PRELOAD", "/tmp/libevil.so")]
    [InlineData("LD_AUDIT", "/tmp/libevil.so")]
    [InlineData("CORECLR_ENABLE_PROFILING", "1")]
    [InlineData("CORECLR_PROFILER_PATH_64", "/tmp/libprofiler.so")]
    [InlineData("DOTNET_ADDITIONAL_DEPS", "/tmp/extra.deps.json")]
    [InlineData("DOTNET_SHARED_STORE", "/tmp/store")]
    [InlineData("COMPlus_STARTUP_HOOKS", "/tmp/Hook.dll")]
    [InlineData("DOTNET_ENABLE_PROFILING", "1")]
    public async Task Create_CodeInjectionVariable_RefusedNamingIt_InEveryKind(string variable, string value)
    {
        Func<string, string?> environment = name => name == variable ? value : null;

        TeeException simulation = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(environment), Token));
        TeeException sgx = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Sgx, FileSystem = EmulatedTeeFileSystem.WithGramine(), GetEnvironmentVariable = environment, ApplicationDirectory = App },
            Token));
        TeeException tdx = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Tdx, FileSystem = EmulatedTeeFileSystem.WithTsm(), GetEnvironmentVariable = environment, ApplicationDirectory = App },
            Token));

        foreach (TeeException error in new[] { simulation, sgx, tdx })
        {
            Assert.Contains(variable, error.Message, StringComparison.Ordinal);
            Assert.Contains("unset it", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_StartupHooksAppContextProperty_Refused()
    {
        TeeRuntimeOptions options = Simulation();

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = TeeKind.Simulation,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                GetAppContextData = name => name == "STARTUP_HOOKS" ? "/tmp/Hook.dll" : AppContext.GetData(name),
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = options.SignedEnclavePath,
                SealingSecretPath = options.SealingSecretPath,
                ApplicationDirectory = App,
                RuntimeComponents = Runtime,
            },
            Token));

        Assert.Contains("STARTUP_HOOKS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" production")]
    [InlineData("production ")]
    [InlineData("prod")]
    [InlineData("Production")]
    public async Task Create_ProductionNearMiss_IsAnError_NeverSimulation(string value)
    {
        InvalidSettingException error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            TeeRuntime.CreateAsync(Simulation(name => name == DeploymentEnvironment.EnvironmentVariable ? value : null), Token));

        Assert.Equal(DeploymentEnvironment.EnvironmentVariable, error.Setting);
    }

    [Fact]
    public async Task Create_ProductionFromEnvironment_RefusesSimulation_EvenWhenTheOptionSaysOtherwise()
    {
        TeeException error = await Assert.ThrowsAsync<TeeException>(() =>
            TeeRuntime.CreateAsync(Simulation(name => name == DeploymentEnvironment.EnvironmentVariable ? "production" : null), Token));

        Assert.Contains("production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TeeRequestNearMiss_IsAnError_NeverSimulation()
    {
        InvalidSettingException error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            TeeRuntime.CreateAsync(Simulation(name => name == TeeKinds.EnvironmentVariable ? " simulation" : null), Token));

        Assert.Equal(TeeKinds.EnvironmentVariable, error.Setting);
    }

    [Fact]
    public async Task Create_Simulation_ExposesTheSignedTrustAnchors()
    {
        using X509Certificate2 ca = SelfSigned("CN=kms ca");
        TrustAnchors anchors = TrustAnchors.Create(new Uri("https://127.0.0.1:9876"), ca);
        await SignAppAsync(anchors);

        using TeeRuntime runtime = await TeeRuntime.CreateAsync(Simulation(), Token);

        Assert.NotNull(runtime.TrustAnchors);
        Assert.Equal(anchors.KmsCaSha256Hex, runtime.TrustAnchors.KmsCaSha256Hex);
        Assert.Equal(new Uri("https://127.0.0.1:9876/"), runtime.TrustAnchors.KmsUrl);
        runtime.TrustAnchors.CheckCertificate(ca);
        runtime.TrustAnchors.CheckUrl(new Uri("https://127.0.0.1:9876"));
    }

    [Fact]
    public async Task Create_Simulation_TrustAnchorEditedInTheSignedDocument_Refused()
    {
        using X509Certificate2 ca = SelfSigned("CN=kms ca");
        using X509Certificate2 attacker = SelfSigned("CN=attacker ca");
        await SignAppAsync(TrustAnchors.Create(new Uri("https://127.0.0.1:9876"), ca));
        string json = await File.ReadAllTextAsync(_temp.Combine("app.sig.json"), Token);
        string swapped = json.Replace(Convert.ToHexStringLower(SHA256.HashData(ca.RawData)), Convert.ToHexStringLower(SHA256.HashData(attacker.RawData)), StringComparison.Ordinal);
        Assert.NotEqual(json, swapped);
        await File.WriteAllTextAsync(_temp.Combine("app.sig.json"), swapped, Token);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));

        Assert.Contains("edited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_TrustFileDisagreeingWithTheSignature_Refused()
    {
        using X509Certificate2 ca = SelfSigned("CN=kms ca");
        await File.WriteAllTextAsync(
            Path.Combine(App, TrustAnchors.FileName), $$"""{"kmsUrl": "https://127.0.0.1:1", "kmsCaSha256": "{{Convert.ToHexStringLower(SHA256.HashData(ca.RawData))}}"}""", Token);
        await SignAppAsync(TrustAnchors.Create(new Uri("https://127.0.0.1:9876"), ca));

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Simulation(), Token));

        Assert.Contains(TrustAnchors.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Sgx_TrustAnchorsFromTheMeasuredFile()
    {
        using X509Certificate2 ca = SelfSigned("CN=kms ca");
        string hash = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
        await File.WriteAllTextAsync(Path.Combine(App, TrustAnchors.FileName), $$"""{"kmsUrl": "https://127.0.0.1:9876", "kmsCaSha256": "{{hash}}"}""", Token);

        using TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Sgx, FileSystem = EmulatedTeeFileSystem.WithGramine(), GetEnvironmentVariable = _ => null, ApplicationDirectory = App },
            Token);

        Assert.Equal(hash, runtime.TrustAnchors!.KmsCaSha256Hex);
        Assert.Equal("127.0.0.1", runtime.TrustAnchors.KmsUrl.Host);
    }

    [Fact]
    public async Task Create_Sgx_InvalidTrustFile_Refused()
    {
        await File.WriteAllTextAsync(Path.Combine(App, TrustAnchors.FileName), """{"kmsUrl": "http://127.0.0.1:9876", "kmsCaSha256": "00"}""", Token);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(
            new TeeRuntimeOptions { ConfiguredMode = TeeKind.Sgx, FileSystem = EmulatedTeeFileSystem.WithGramine(), GetEnvironmentVariable = _ => null, ApplicationDirectory = App },
            Token));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Simulation_RealApplicationDirectoryAndRuntime_SignedThenVerified()
    {
        // The test binaries stand for ppml: every file of this directory and of the runtime this process runs on,
        // resolved for signing from the runtimeconfig, and for verification from the frameworks the host loaded.
        var watch = Stopwatch.StartNew();
        SignedEnclave signed = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(AppContext.BaseDirectory), s_key.Value, Token);
        TimeSpan cold = watch.Elapsed;
        await File.WriteAllBytesAsync(_temp.Combine("real.sig.json"), EnclaveSigner.Serialize(signed), Token);
        TeeRuntimeOptions options = Simulation();

        watch.Restart();
        using TeeRuntime runtime = await TeeRuntime.CreateAsync(
            new TeeRuntimeOptions
            {
                ConfiguredMode = TeeKind.Simulation,
                FileSystem = options.FileSystem,
                GetEnvironmentVariable = options.GetEnvironmentVariable,
                SimulationPlatformDirectory = options.SimulationPlatformDirectory,
                SimulatedEvidence = options.SimulatedEvidence,
                SignedEnclavePath = _temp.Combine("real.sig.json"),
                SealingSecretPath = options.SealingSecretPath,
            },
            Token);
        TimeSpan warm = watch.Elapsed;

        long bytes = signed.Files.Sum(f => new FileInfo(f.Path.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal) ? "/nonexistent" : Path.Combine(AppContext.BaseDirectory, f.Path)) is { Exists: true } info ? info.Length : 0);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"measured {signed.Files.Count} files ({signed.Files.Count(f => f.Path.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal))} runtime), application {bytes / 1e6:F0} MB: sign {cold.TotalSeconds:F2} s, start (cached) {warm.TotalSeconds:F2} s");
        Assert.Equal(signed.MrEnclave, runtime.Identity!.MrEnclaveHex);
        Assert.Contains(signed.Files, f => f.Path == "runtime:Microsoft.NETCore.App/System.Private.CoreLib.dll");
        Assert.Contains(signed.Files, f => f.Path == "Ppml.Tee.dll");
    }

    [Fact]
    public void CheckCertificate_SwappedCa_ThrowsNamingTheExpectedHash()
    {
        using X509Certificate2 ca = SelfSigned("CN=kms ca");
        using X509Certificate2 swapped = SelfSigned("CN=kms ca");
        TrustAnchors anchors = TrustAnchors.Create(new Uri("https://127.0.0.1:9876"), ca);

        TeeException error = Assert.Throws<TeeException>(() => anchors.CheckCertificate(swapped));

        Assert.Contains(anchors.KmsCaSha256Hex, error.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(swapped.RawData)), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:9877")]
    [InlineData("https://127.0.0.2:9876")]
    [InlineData("http://127.0.0.1:9876")]
    [InlineData("https://127.0.0.1:9876/other")]
    public void CheckUrl_OtherUrl_ThrowsNamingBoth(string other)
    {
        TrustAnchors anchors = new(new Uri("https://127.0.0.1:9876"), new byte[32]);

        TeeException error = Assert.Throws<TeeException>(() => anchors.CheckUrl(new Uri(other)));

        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains("https://127.0.0.1:9876/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:9876")]
    [InlineData("https://127.0.0.1:9876/")]
    [InlineData("HTTPS://127.0.0.1:9876/")]
    public void CheckUrl_SameUrl_Passes(string same) =>
        new TrustAnchors(new Uri("https://127.0.0.1:9876"), new byte[32]).CheckUrl(new Uri(same));

    private async Task SignAppAsync(TrustAnchors anchors)
    {
        _signed = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(App), s_key.Value, anchors, Runtime, Token);
        await File.WriteAllBytesAsync(_temp.Combine("app.sig.json"), EnclaveSigner.Serialize(_signed), Token);
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        DateTimeOffset notBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return request.CreateSelfSigned(notBefore, notBefore.AddYears(1));
    }
}
