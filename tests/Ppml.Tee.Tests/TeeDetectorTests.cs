using Ppml.Core;
using Ppml.Tee.Tests.Fakes;

namespace Ppml.Tee.Tests;

public class TeeDetectorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Func<string, string?> Env(string? tee) => name => name == "PPML_TEE" ? tee : null;

    [Fact]
    public async Task Auto_NoTee_FailsAndNamesTheExplicitSwitch_NeverFallsBack()
    {
        TeeException error = await Assert.ThrowsAsync<TeeException>(() =>
            TeeDetector.DetectAsync(null, isProduction: false, new EmulatedTeeFileSystem(), Env(null), Token));

        Assert.Contains("PPML_TEE=simulation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_FindsGramineThenTdx()
    {
        Assert.Equal(TeeKind.Sgx, await TeeDetector.DetectAsync(null, false, EmulatedTeeFileSystem.WithGramine(), Env(null), Token));
        Assert.Equal(TeeKind.Tdx, await TeeDetector.DetectAsync(null, false, EmulatedTeeFileSystem.WithTsm(), Env(null), Token));
    }

    [Fact]
    public async Task Simulation_FromEnvironmentOrConfig_IsHonoured()
    {
        Assert.Equal(TeeKind.Simulation, await TeeDetector.DetectAsync(null, false, new EmulatedTeeFileSystem(), Env("simulation"), Token));
        Assert.Equal(TeeKind.Simulation, await TeeDetector.DetectAsync(TeeKind.Simulation, false, new EmulatedTeeFileSystem(), Env(null), Token));
    }

    [Fact]
    public async Task Simulation_InProduction_IsRefused()
    {
        TeeException error = await Assert.ThrowsAsync<TeeException>(() =>
            TeeDetector.DetectAsync(TeeKind.Simulation, isProduction: true, EmulatedTeeFileSystem.WithGramine(), Env(null), Token));

        Assert.Contains("production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_OverridesConfiguration()
    {
        Assert.Equal(TeeKind.Sgx, await TeeDetector.DetectAsync(TeeKind.Simulation, false, EmulatedTeeFileSystem.WithGramine(), Env("sgx"), Token));
    }

    [Theory]
    [InlineData(TeeKind.Sgx)]
    [InlineData(TeeKind.Tdx)]
    public async Task Explicit_Unavailable_Fails(TeeKind requested)
    {
        await Assert.ThrowsAsync<TeeException>(() => TeeDetector.DetectAsync(requested, false, new EmulatedTeeFileSystem(), Env(null), Token));
    }

    [Theory]
    [InlineData(" simulation")]
    [InlineData("simulation ")]
    [InlineData("Simulation")]
    [InlineData("sim")]
    [InlineData("sev")]
    [InlineData("")]
    public async Task Environment_NearMiss_IsAnError_NeverSimulation(string value)
    {
        InvalidSettingException error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            TeeDetector.DetectAsync(TeeKind.Simulation, false, new EmulatedTeeFileSystem(), Env(value), Token));

        Assert.Equal("PPML_TEE", error.Setting);
    }
}
