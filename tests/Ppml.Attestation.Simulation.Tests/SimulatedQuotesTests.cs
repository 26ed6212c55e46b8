using Microsoft.Extensions.Time.Testing;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation.Tests.Support;
using Ppml.Attestation.Verification;
using Ppml.Testing;

namespace Ppml.Attestation.Simulation.Tests;

public sealed class SimulatedQuotesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<string> SavedPlatformAsync(TempDirectory directory)
    {
        string platform = directory.Combine("platform");
        using (await SimulatedPlatform.CreateSavedAsync(platform, timeProvider: new FakeTimeProvider(Sim.Now), cancellationToken: Token))
        {
        }

        return platform;
    }

    [Fact]
    public async Task CreateSavedAsync_ThenLoadAsync_IsTheSamePlatform()
    {
        using var directory = new TempDirectory();
        string platform = directory.Combine("platform");

        using SimulatedPlatform created = await SimulatedPlatform.CreateSavedAsync(platform, timeProvider: new FakeTimeProvider(Sim.Now), cancellationToken: Token);
        using SimulatedPlatform loaded = await SimulatedPlatform.LoadAsync(platform, Token);

        Assert.True(File.Exists(Path.Combine(platform, SimulatedPlatformFiles.Platform)));
        Assert.Equal(created.RootCertificate.ToArray(), loaded.RootCertificate.ToArray());
        Assert.Equal(created.Fmspc.ToArray(), loaded.Fmspc.ToArray());
    }

    [Fact]
    public async Task CreateAsync_AssertedSgxMeasurement_IsQuotedAndVerifiesWithThePlatformRoot()
    {
        using var directory = new TempDirectory();
        string platform = await SavedPlatformAsync(directory);

        byte[] quote = await SimulatedQuotes.CreateAsync(
            new SimulatedQuoteRequest { PlatformDirectory = platform, ReportData = new byte[] { 0xc0, 0xff, 0xee }, MrEnclave = Sim.MrEnclave, IsvSvn = 4 }, Token);

        using SimulatedPlatform loaded = await SimulatedPlatform.LoadAsync(platform, Token);
        QuoteVerificationResult result = Sim.Verifier(loaded).Verify(quote, loaded.GetCollateral(TeeType.Sgx), Sim.Now.AddMinutes(5));
        Assert.True(result.Valid, result.Error?.Message);
        Assert.Equal(Convert.ToHexStringLower(Sim.MrEnclave), result.MrEnclave);
        Assert.Equal(Convert.ToHexStringLower(SimulatedQuotes.DefaultMrSigner.Span), result.MrSigner);
        Assert.Equal(4, result.IsvSvn);
        Assert.StartsWith("c0ffee00", result.ReportData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_TdxWithoutMeasurement_QuotesTheDefaultMrTd()
    {
        using var directory = new TempDirectory();
        string platform = await SavedPlatformAsync(directory);

        byte[] quote = await SimulatedQuotes.CreateAsync(
            new SimulatedQuoteRequest { PlatformDirectory = platform, ReportData = new byte[] { 1 }, Tee = TeeType.Tdx }, Token);

        Quote parsed = Quote.Parse(quote);
        Assert.Equal(TeeType.Tdx, parsed.Tee);
        Assert.Equal(4, parsed.Version);
        Assert.Equal(SimulatedQuotes.DefaultMrTd.ToArray(), parsed.TdReport!.MrTd.ToArray());
    }

    [Theory]
    [InlineData(65, 32)]
    [InlineData(64, 31)]
    public async Task CreateAsync_WrongLength_ThrowsNamingTheField(int reportDataLength, int mrEnclaveLength)
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => SimulatedQuotes.CreateAsync(
            new SimulatedQuoteRequest { PlatformDirectory = "/nonexistent", ReportData = new byte[reportDataLength], MrEnclave = new byte[mrEnclaveLength] }, Token));

        Assert.Equal(reportDataLength > 64 ? "ReportData" : "MrEnclave", error.ParamName);
        Assert.Contains(reportDataLength > 64 ? "got 65" : "got 31", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_NoPlatform_ThrowsFileNotFoundSayingHowToCreateOne()
    {
        using var directory = new TempDirectory();

        FileNotFoundException error = await Assert.ThrowsAsync<FileNotFoundException>(() => SimulatedQuotes.CreateAsync(
            new SimulatedQuoteRequest { PlatformDirectory = directory.Combine("none"), ReportData = new byte[64] }, Token));

        Assert.Contains(directory.Combine("none"), error.Message, StringComparison.Ordinal);
    }
}
