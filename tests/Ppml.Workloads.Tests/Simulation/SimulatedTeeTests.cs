using System.Security.Cryptography;
using Ppml.Attestation.Quotes;
using QuoteCollateral = Ppml.Attestation.Collateral.QuoteCollateral;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Core;
using Ppml.Tee;
using Ppml.Tee.Evidence;
using Ppml.Tee.Measurement;
using Ppml.Testing;
using Ppml.Workloads.Simulation;

namespace Ppml.Workloads.Tests.Simulation;

public sealed class SimulatedTeeTests
{
    private static readonly EnclaveIdentity s_identity = new(
        SHA256.HashData("enclave"u8), SHA256.HashData("signer"u8), IsvProdId: 7, IsvSvn: 3, Debug: false);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Evidence_SavedPlatform_QuotesTheIdentityWithThePlatformsCollateral()
    {
        using var directory = new TempDirectory();
        byte[] root;
        using (SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token))
        {
            await platform.SaveAsync(directory.Path, Token);
            root = platform.RootCertificate.ToArray();
        }

        IEvidenceProvider evidence = await SimulatedTee.Evidence(
            new SimulationContext { Identity = s_identity, PlatformDirectory = directory.Path, QuoteType = TeeType.Sgx }, Token);
        using var disposable = (IDisposable)evidence;
        byte[] reportData = RandomNumberGenerator.GetBytes(64);
        byte[] quote = await evidence.GetQuoteAsync(reportData, Token);
        byte[] collateral = (await ((IEvidenceCollateralSource)evidence).GetCollateralAsync(quote, Token))!;
        QuoteVerificationResult result = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = root })
            .Verify(quote, QuoteCollateral.ParseBundleJson(collateral));

        Assert.Equal(TeeKind.Simulation, evidence.Kind);
        Assert.True(result.Valid, result.Error?.Message);
        Assert.Equal(s_identity.MrEnclaveHex, result.MrEnclave);
        Assert.Equal(Convert.ToHexStringLower(reportData), result.ReportData);
    }

    [Fact]
    public async Task Evidence_NoPlatform_ThrowsFileNotFoundNamingTheFix()
    {
        using var directory = new TempDirectory();

        FileNotFoundException error = await Assert.ThrowsAsync<FileNotFoundException>(() => SimulatedTee.Evidence(
            new SimulationContext { Identity = s_identity, PlatformDirectory = directory.Path, QuoteType = TeeType.Sgx }, Token));

        Assert.Contains("ppml attest sim-platform", error.Message, StringComparison.Ordinal);
    }
}
