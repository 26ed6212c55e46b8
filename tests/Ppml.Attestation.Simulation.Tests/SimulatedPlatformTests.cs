using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation.Tests.Support;
using Ppml.Attestation.Verification;
using Ppml.Testing;

namespace Ppml.Attestation.Simulation.Tests;

public sealed class SimulatedPlatformTests
{
    [Fact]
    public async Task CreateSgxQuote_VerifiedWithSimulatedRoot_RoundTripsEveryField()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quoteBytes = Sim.SgxQuote(platform);

        QuoteVerificationResult result = Sim.Verifier(platform).Verify(quoteBytes, platform.GetCollateral(TeeType.Sgx), Sim.Now.AddMinutes(5));

        Assert.True(result.Valid, result.Error?.Message);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Empty(result.AdvisoryIds!);
        Assert.Equal("SGX", result.Tee);
        Assert.Equal(3, result.QuoteVersion);
        Assert.Equal(Convert.ToHexStringLower(Sim.MrEnclave), result.MrEnclave);
        Assert.Equal(Convert.ToHexStringLower(Sim.MrSigner), result.MrSigner);
        Assert.Equal(7, result.IsvProdId);
        Assert.Equal(3, result.IsvSvn);
        Assert.Equal(Convert.ToHexStringLower(Sim.ReportData), result.ReportData);
        Assert.True(result.RevocationChecked);
        Assert.False(result.CollateralExpired);

        Quote quote = Quote.Parse(quoteBytes);
        Assert.Equal(CertificationDataType.PckCertificateChain, quote.SignatureData.CertificationData.Type);
        Assert.Equal(0, quote.TrailingBytes);
        Assert.False(quote.EnclaveReport!.IsDebug);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateTdxQuote_VerifiedWithSimulatedRoot_RoundTripsEveryField(bool v5)
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quoteBytes = Sim.TdxQuote(platform, new TdxQuoteOptions { UseQuoteV5 = v5 });

        QuoteVerificationResult result = Sim.Verifier(platform).Verify(quoteBytes, platform.GetCollateral(TeeType.Tdx), Sim.Now.AddMinutes(5));

        Assert.True(result.Valid, result.Error?.Message);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Equal("TDX", result.Tee);
        Assert.Equal(v5 ? 5 : 4, result.QuoteVersion);
        Assert.Equal(Convert.ToHexStringLower(Sim.MrTd), result.MrTd);
        Assert.Equal(Convert.ToHexStringLower(Sim.Rtmrs[0]), result.Rtmr0);
        Assert.Equal(Convert.ToHexStringLower(Sim.Rtmrs[1]), result.Rtmr1);
        Assert.Equal(Convert.ToHexStringLower(Sim.Rtmrs[2]), result.Rtmr2);
        Assert.Equal(Convert.ToHexStringLower(Sim.Rtmrs[3]), result.Rtmr3);
        Assert.Equal(Convert.ToHexStringLower(Sim.ReportData), result.ReportData);

        Quote quote = Quote.Parse(quoteBytes);
        Assert.Equal(v5 ? QuoteBodyType.TdReport15 : QuoteBodyType.TdReport10, quote.BodyType);
        Assert.True(quote.TdReport!.IsSeptVeDisabled);
        Assert.False(quote.TdReport.IsDebug);
    }

    [Fact]
    public async Task Verify_SimulatedQuoteWithDefaultRoot_IsUntrusted()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        var verifier = new QuoteVerifier();

        QuoteVerificationResult result = verifier.Verify(Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx), Sim.Now);

        Assert.True(verifier.TrustsIntelRoot);
        Assert.False(result.Valid);
        Assert.Equal("STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED", result.Error!.Code);
    }

    public static TheoryData<TcbStatus, string?> PlatformStatuses => new()
    {
        { TcbStatus.UpToDate, null },
        { TcbStatus.SWHardeningNeeded, null },
        { TcbStatus.ConfigurationNeeded, null },
        { TcbStatus.ConfigurationAndSWHardeningNeeded, null },
        { TcbStatus.OutOfDate, null },
        { TcbStatus.OutOfDateConfigurationNeeded, null },
        { TcbStatus.Revoked, "STATUS_TCB_REVOKED" },
    };

    [Theory]
    [MemberData(nameof(PlatformStatuses))]
    public async Task Verify_PlatformAtEachTcbLevel_ReportsThatStatusAndItsAdvisories(TcbStatus status, string? error)
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { PlatformTcbStatus = status });

        QuoteVerificationResult sgx = Sim.VerifySgx(platform);
        QuoteVerificationResult tdx = Sim.VerifyTdx(platform);

        foreach (QuoteVerificationResult result in new[] { sgx, tdx })
        {
            Assert.Equal(status, result.TcbStatus);
            Assert.Equal(error is null, result.Valid);
            Assert.Equal(error, result.Error?.Code);
            Assert.Equal(status == TcbStatus.UpToDate ? 0 : 1, result.AdvisoryIds!.Count);
        }
    }

    [Fact]
    public async Task Verify_PlatformBelowEveryLevel_IsTcbNotSupported()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { PlatformTcbStatus = null });

        Assert.Equal("STATUS_TCB_NOT_SUPPORTED", Sim.VerifySgx(platform).Error!.Code);
        Assert.Equal("STATUS_TCB_NOT_SUPPORTED", Sim.VerifyTdx(platform).Error!.Code);
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.Revoked, TcbStatus.Revoked)]
    public async Task Verify_QuotingEnclaveStatus_MergesLikeIntel(TcbStatus platformStatus, TcbStatus qeStatus, TcbStatus expected)
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { PlatformTcbStatus = platformStatus, QeTcbStatus = qeStatus });

        QuoteVerificationResult result = Sim.VerifySgx(platform);

        Assert.Equal(expected, result.TcbStatus);
        Assert.Contains(result.AdvisoryIds!, a => a.StartsWith("PPML-SIM-SA-02", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_QuotingEnclaveBelowEveryLevel_IsTcbNotSupported()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { QeTcbStatus = null });

        Assert.Equal("STATUS_TCB_NOT_SUPPORTED", Sim.VerifySgx(platform).Error!.Code);
    }

    [Theory]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.UpToDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.UpToDate, TcbStatus.Revoked, TcbStatus.Revoked)]
    public async Task Verify_TdxLevelAndModule_MergeLikeIntel(TcbStatus tdxStatus, TcbStatus moduleStatus, TcbStatus expected)
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();

        QuoteVerificationResult result = Sim.VerifyTdx(platform, new TdxQuoteOptions { TdxTcbStatus = tdxStatus, ModuleTcbStatus = moduleStatus });

        Assert.Equal(expected, result.TcbStatus);
        Assert.Equal(expected != TcbStatus.Revoked, result.Valid);
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.TDRelaunchAdvised)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.TDRelaunchAdvisedConfigurationNeeded)]
    public async Task Verify_Td15ModuleUpdatedAtRunTime_AdvisesRelaunch(TcbStatus platformStatus, TcbStatus expected)
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { PlatformTcbStatus = platformStatus });
        var options = new TdxQuoteOptions { UseQuoteV5 = true, ModuleTcbStatus = TcbStatus.OutOfDate, UpdatedModuleTcbStatus = TcbStatus.UpToDate };

        QuoteVerificationResult relaunch = Sim.VerifyTdx(platform, options);
        QuoteVerificationResult notUpdated = Sim.VerifyTdx(platform, options with { UpdatedModuleTcbStatus = null });

        Assert.True(relaunch.Valid);
        Assert.Equal(expected, relaunch.TcbStatus);
        Assert.NotEqual(expected, notUpdated.TcbStatus);
    }

    [Fact]
    public async Task Verify_RevokedPckCertificate_IsReportedAsRevoked()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { RevokePckCertificate = true });

        QuoteVerificationResult result = Sim.VerifySgx(platform);
        QuoteCollateral noCrls = platform.GetCollateral(TeeType.Sgx) with { PckCrl = null, RootCaCrl = null };
        QuoteVerificationResult withoutCrls = Sim.VerifySgx(platform, noCrls);
        QuoteVerificationResult revocationOff = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = platform.RootCertificate, RequireRevocation = false })
            .Verify(Sim.SgxQuote(platform), noCrls, Sim.Now.AddMinutes(5));

        Assert.False(result.Valid);
        Assert.Equal("STATUS_SGX_PCK_REVOKED", result.Error!.Code);
        Assert.Equal(TcbStatus.Revoked, result.TcbStatus);
        Assert.False(withoutCrls.Valid);
        Assert.Equal("STATUS_MISSING_PARAMETERS", withoutCrls.Error!.Code);
        Assert.True(revocationOff.Valid);
        Assert.False(revocationOff.RevocationChecked);
        Assert.Contains(revocationOff.Notes, n => n.Contains("revocation not checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_RevokedPckCaOrSigningCertificate_IsReportedAsRevoked()
    {
        using SimulatedPlatform caRevoked = await Sim.CreateAsync(new SimulatedPlatformOptions { RevokePckCa = true });
        using SimulatedPlatform signerRevoked = await Sim.CreateAsync(new SimulatedPlatformOptions { RevokeTcbSigningCertificate = true });

        Assert.Equal("STATUS_SGX_INTERMEDIATE_CA_REVOKED", Sim.VerifySgx(caRevoked).Error!.Code);
        Assert.Equal("STATUS_SGX_TCB_SIGNING_CERT_REVOKED", Sim.VerifySgx(signerRevoked).Error!.Code);
    }

    [Fact]
    public async Task Verify_ExpiredCollateral_IsReportedAndFatalOnlyWhenStrict()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { ExpiredCollateral = true });

        QuoteVerificationResult lenient = Sim.VerifySgx(platform);
        QuoteVerificationResult strict = Sim.VerifySgx(platform, strict: true);

        Assert.True(lenient.Valid);
        Assert.True(lenient.CollateralExpired);
        Assert.Equal(TcbStatus.UpToDate, lenient.TcbStatus);
        QvlStatus[] kinds = lenient.ExpiredCollateral.Select(e => e.Status).Distinct().ToArray();
        Assert.Contains(QvlStatus.SgxCrlExpired, kinds);
        Assert.Contains(QvlStatus.SgxTcbInfoExpired, kinds);
        Assert.Contains(QvlStatus.SgxEnclaveIdentityExpired, kinds);
        Assert.False(strict.Valid);
        Assert.Equal("STATUS_SGX_CRL_EXPIRED", strict.Error!.Code);
        Assert.Contains("TCB Info", strict.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WrongQeIdentity_IsQeIdentityMismatch()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { WrongQeIdentity = true });

        Assert.Equal("STATUS_QE_IDENTITY_MISMATCH", Sim.VerifySgx(platform).Error!.Code);
        Assert.Equal("STATUS_QE_IDENTITY_MISMATCH", Sim.VerifyTdx(platform).Error!.Code);
    }

    [Fact]
    public async Task Verify_WrongFmspc_IsTcbInfoMismatch()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { WrongFmspc = true });

        QuoteVerificationResult result = Sim.VerifySgx(platform);

        Assert.Equal("STATUS_TCB_INFO_MISMATCH", result.Error!.Code);
        Assert.Contains("FMSPC", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_WritesEveryFileAndSignsVerifiableQuotes()
    {
        using var directory = new TempDirectory();
        SimulatedPlatform platform = await Sim.DefaultAsync();

        await platform.SaveAsync(directory.Path, TestContext.Current.CancellationToken);
        using SimulatedPlatform loaded = await SimulatedPlatform.LoadAsync(directory.Path, TestContext.Current.CancellationToken);

        foreach (string file in typeof(SimulatedPlatformFiles).GetFields().Select(f => (string)f.GetRawConstantValue()!))
        {
            Assert.True(File.Exists(directory.Combine(file)), file);
        }

        if (!OperatingSystem.IsWindows())
        {
            foreach (string key in new[] { SimulatedPlatformFiles.RootKey, SimulatedPlatformFiles.PckCaKey, SimulatedPlatformFiles.PckKey, SimulatedPlatformFiles.TcbSigningKey, SimulatedPlatformFiles.AttestationKey })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(directory.Combine(key)));
                Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(directory.Combine(key)), StringComparison.Ordinal);
            }
        }

        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp-*"));
        Assert.True(loaded.RootCertificate.Span.SequenceEqual(platform.RootCertificate.Span));
        QuoteCollateral bundle = QuoteCollateral.ParseBundleJson(File.ReadAllBytes(directory.Combine(SimulatedPlatformFiles.TdxCollateral)));
        QuoteVerificationResult sgx = Sim.VerifySgx(loaded);
        QuoteVerificationResult tdx = Sim.Verifier(loaded).Verify(Sim.TdxQuote(loaded), bundle, Sim.Now);
        Assert.True(sgx.Valid, sgx.Error?.Message);
        Assert.True(tdx.Valid, tdx.Error?.Message);
        Assert.True(tdx.RevocationChecked);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_NamesIt()
    {
        using var directory = new TempDirectory();
        SimulatedPlatform platform = await Sim.DefaultAsync();
        await platform.SaveAsync(directory.Path, TestContext.Current.CancellationToken);
        File.Delete(directory.Combine(SimulatedPlatformFiles.PckKey));

        FileNotFoundException error = await Assert.ThrowsAsync<FileNotFoundException>(
            () => SimulatedPlatform.LoadAsync(directory.Path, TestContext.Current.CancellationToken));

        Assert.Contains(SimulatedPlatformFiles.PckKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatedPki_LooksLikeIntels()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        CertificateChain chain = CertificateChain.Parse(Encoding.ASCII.GetBytes(platform.PckCertificateChainPem));
        X509Certificate2[] certificates = [.. chain.Certificates.Select(der => X509CertificateLoader.LoadCertificate(der.Span))];
        SgxPckExtensions extensions = SgxPckExtensions.Parse(certificates[0].Extensions["1.2.840.113741.1.13.1"]!.RawData);

        Assert.Equal(3, chain.Count);
        Assert.Contains("SGX PCK Certificate", certificates[0].GetNameInfo(X509NameType.SimpleName, forIssuer: false), StringComparison.Ordinal);
        Assert.Contains("SGX PCK Platform CA", certificates[1].GetNameInfo(X509NameType.SimpleName, forIssuer: false), StringComparison.Ordinal);
        Assert.Contains("SGX Root CA", certificates[2].GetNameInfo(X509NameType.SimpleName, forIssuer: false), StringComparison.Ordinal);
        Assert.True(extensions.Fmspc.Span.SequenceEqual(platform.Fmspc.Span));
        Assert.Equal(13, extensions.PceSvn);
        Assert.Equal(16, extensions.TcbComponents.Count);
        Assert.Equal(1, extensions.SgxType);
        Assert.Equal(16, extensions.PlatformInstanceId.Length);
    }
}
