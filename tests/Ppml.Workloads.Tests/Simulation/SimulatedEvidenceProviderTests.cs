using Ppml.Core;
using System.Security.Cryptography;
using Ppml.Attestation;
using QuoteCollateral = Ppml.Attestation.Collateral.QuoteCollateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Tee.Measurement;
using Ppml.Workloads.Simulation;

namespace Ppml.Workloads.Tests.Simulation;

public sealed class SimulatedEvidenceProviderTests : IAsyncLifetime
{
    private static readonly EnclaveIdentity s_identity = new(
        SHA256.HashData("enclave"u8), SHA256.HashData("signer"u8), IsvProdId: 7, IsvSvn: 3, Debug: false);

    private SimulatedPlatform _platform = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token);

    public ValueTask DisposeAsync()
    {
        _platform.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GetQuote_Sgx_IsAnSgxV3QuoteThatVerifiesOnlyWithTheSimulatedRoot()
    {
        var provider = new SimulatedEvidenceProvider(_platform, s_identity);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await provider.GetQuoteAsync(reportData, Token);
        byte[] collateralJson = (await provider.GetCollateralAsync(quote, Token))!;
        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(collateralJson);
        QuoteVerificationResult simulated = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = _platform.RootCertificate }).Verify(quote, collateral);
        QuoteVerificationResult intel = new QuoteVerifier().Verify(quote, collateral);

        Assert.Equal(TeeKind.Simulation, provider.Kind);
        Quote parsed = Quote.Parse(quote);
        Assert.Equal(3, parsed.Version);
        Assert.Equal(TeeType.Sgx, parsed.Tee);
        Assert.True(simulated.Valid, simulated.ToDisplayString());
        Assert.Equal(TcbStatus.UpToDate, simulated.TcbStatus);
        Assert.Equal(s_identity.MrEnclaveHex, simulated.MrEnclave);
        Assert.Equal(s_identity.MrSignerHex, simulated.MrSigner);
        Assert.Equal(7, simulated.IsvProdId);
        Assert.Equal(3, simulated.IsvSvn);
        Assert.Equal(reportData, parsed.ReportData.ToArray());
        Assert.False(parsed.EnclaveReport!.IsDebug);
        Assert.False(intel.Valid);
        Assert.Equal(QvlStatus.SgxPckCertChainUntrusted, intel.Status);
    }

    [Fact]
    public async Task GetQuote_DebugEnclave_SetsAttributesDebug()
    {
        var provider = new SimulatedEvidenceProvider(_platform, s_identity with { Debug = true });

        Quote parsed = Quote.Parse(await provider.GetQuoteAsync(new byte[64], Token));

        Assert.True(parsed.EnclaveReport!.IsDebug);
    }

    [Fact]
    public async Task GetQuote_Tdx_CarriesTheDerivedMrTdAndVerifies()
    {
        var provider = new SimulatedEvidenceProvider(_platform, s_identity, TeeType.Tdx);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await provider.GetQuoteAsync(reportData, Token);
        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson((await provider.GetCollateralAsync(quote, Token))!);
        QuoteVerificationResult result = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = _platform.RootCertificate }).Verify(quote, collateral);

        Assert.True(result.Valid, result.ToDisplayString());
        Assert.Equal("TDX", result.Tee);
        Assert.Equal(4, result.QuoteVersion);
        Assert.Equal(Convert.ToHexStringLower(SimulatedEvidenceProvider.SimulatedMrTd(s_identity)), result.MrTd);
        Assert.NotEqual(SimulatedEvidenceProvider.SimulatedMrTd(s_identity), SimulatedEvidenceProvider.SimulatedMrTd(s_identity with { IsvSvn = 4 }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(65)]
    public async Task GetQuote_ReportDataNot64Bytes_Throws(int length)
    {
        var provider = new SimulatedEvidenceProvider(_platform, s_identity);

        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetQuoteAsync(new byte[length], Token));
    }

    [Fact]
    public async Task GetQuote_Concurrent_EachQuoteCarriesItsOwnReportData()
    {
        var provider = new SimulatedEvidenceProvider(_platform, s_identity);
        byte[][] reportData = [.. Enumerable.Range(0, 16).Select(_ => RandomNumberGenerator.GetBytes(64))];

        byte[][] quotes = await Task.WhenAll(reportData.Select(r => Task.Run(() => provider.GetQuoteAsync(r, Token), Token)));

        for (int i = 0; i < quotes.Length; i++)
        {
            Assert.Equal(reportData[i], Quote.Parse(quotes[i]).ReportData.ToArray());
        }
    }
}
