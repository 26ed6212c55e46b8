using System.Formats.Asn1;
using System.Text;
using System.Text.Json;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;
using Ppml.Testing;

namespace Ppml.Attestation.Tests.Regressions;

/// <summary>
/// Issue 11, items 20-22: CRL validity follows Intel (thisUpdate as well as nextUpdate), revocation data is required
/// unless explicitly turned off, and a DER CRL followed by trailing bytes is accepted as OpenSSL accepts it.
/// </summary>
public sealed class Issue11_AttestationFidelity
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string PathOf(string relative) => SharedData.PathOf(["testdata", "attestation", .. relative.Split('/')]);

    // Item 20 -------------------------------------------------------------------------------------------------------

    [Fact]
    public void Verify_SecondBeforePckCrlWasIssued_ReportsCollateralExpired()
    {
        JsonElement vector = DcapVectors.Get("phala-sgx-v3");
        QuoteCollateral collateral = DcapVectors.Collateral(vector);
        DateTimeOffset beforeIssue = collateral.PckCrl!.ThisUpdate.AddSeconds(-1);
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector) });

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), collateral, beforeIssue);

        Assert.True(result.Valid, result.Error?.Message);
        Assert.True(result.CollateralExpired);
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxCrlExpired && e.Description.Contains("PCK CRL", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_SecondBeforePckCrlWasIssuedStrict_FailsWithCrlExpired()
    {
        JsonElement vector = DcapVectors.Get("phala-sgx-v3");
        QuoteCollateral collateral = DcapVectors.Collateral(vector);
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector), Strict = true });

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), collateral, collateral.PckCrl!.ThisUpdate.AddSeconds(-1));

        Assert.False(result.Valid);
        Assert.Equal("STATUS_SGX_CRL_EXPIRED", result.Error!.Code);
        Assert.Contains("not yet valid", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AtTheInstantThePckCrlWasIssued_IsCurrent()
    {
        JsonElement vector = DcapVectors.Get("phala-sgx-v3");
        QuoteCollateral collateral = DcapVectors.Collateral(vector);
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector), Strict = true });

        // Intel's Validity::isValid: thisUpdate <= time is valid.
        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), collateral, collateral.PckCrl!.ThisUpdate);

        Assert.DoesNotContain(result.ExpiredCollateral, e => e.Description.Contains("PCK CRL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_BeforeRootCaCrlWasIssued_ReportsItNotYetValid()
    {
        // A platform whose collateral (CRLs included) is issued at Sim.Now, verified a second earlier.
        SimulatedPlatform platform = await Sim.DefaultAsync();

        QuoteVerificationResult result = Sim.Verifier(platform).Verify(Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx), Sim.Now.AddSeconds(-1));

        Assert.True(result.CollateralExpired);
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxCrlExpired && e.Description.StartsWith("root CA CRL", StringComparison.Ordinal));
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxCrlExpired && e.Description.StartsWith("PCK CRL", StringComparison.Ordinal));
    }

    // Item 21 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Verify_WithoutCrlsByDefault_IsInvalidWithMissingParameters()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteCollateral withoutCrls = platform.GetCollateral(TeeType.Sgx) with { RootCaCrl = null, PckCrl = null };

        QuoteVerificationResult result = Sim.VerifySgx(platform, withoutCrls);

        Assert.False(result.Valid);
        Assert.False(result.RevocationChecked);
        Assert.Equal("STATUS_MISSING_PARAMETERS", result.Error!.Code);
        Assert.Contains("revocation", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithOnlyOneCrlByDefault_IsInvalidAndNamesTheMissingCrl()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();

        QuoteVerificationResult result = Sim.VerifySgx(platform, platform.GetCollateral(TeeType.Sgx) with { PckCrl = null });

        Assert.False(result.Valid);
        Assert.Equal("STATUS_MISSING_PARAMETERS", result.Error!.Code);
        Assert.Contains("PCK CRL", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_DefaultPolicyOnResultWithoutRevocation_Rejects()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteVerificationResult unchecked_ = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = platform.RootCertificate, RequireRevocation = false })
            .Verify(Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx) with { RootCaCrl = null, PckCrl = null }, Sim.Now.AddMinutes(5));
        AppraisalPolicy policy = AppraisalPolicy.Parse(Encoding.UTF8.GetBytes($$"""{"sgx": {"mrEnclave": "{{Convert.ToHexStringLower(Sim.MrEnclave)}}"} }"""));

        PolicyOutcome outcome = policy.Evaluate(unchecked_);

        Assert.True(unchecked_.Valid, unchecked_.Error?.Message);
        Assert.True(policy.RequireRevocationCheck);
        Assert.False(outcome.Accepted);
        Assert.Contains(outcome.Reasons, r => r.Contains("revocation was not checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_RevocationTurnedOff_IsValidAndSaysRevocationWasNotChecked()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = platform.RootCertificate, RequireRevocation = false });
        AppraisalPolicy policy = AppraisalPolicy.Parse(Encoding.UTF8.GetBytes(
            $$"""{"sgx": {"mrEnclave": "{{Convert.ToHexStringLower(Sim.MrEnclave)}}"}, "requireRevocationCheck": false}"""));

        QuoteVerificationResult result = verifier.Verify(
            Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx) with { RootCaCrl = null, PckCrl = null }, Sim.Now.AddMinutes(5));
        result = result with { Policy = policy.Evaluate(result) };

        Assert.True(result.IsAccepted, result.ToDisplayString());
        Assert.False(result.RevocationChecked);
        Assert.Contains("\"revocationChecked\": false", result.ToJson(), StringComparison.Ordinal);
        Assert.Contains("revocation checked: no", result.ToDisplayString(), StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("revocation not checked", StringComparison.Ordinal) && n.Contains("turned off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_SeparateFilesWithoutCrls_RejectedUnlessRevocationIsTurnedOff()
    {
        using var temp = new TempDirectory();
        string platformDirectory = Path.Combine(temp.Path, "platform");
        using (await SimulatedPlatform.CreateSavedAsync(platformDirectory, cancellationToken: Token))
        {
        }

        string quote = Path.Combine(temp.Path, "quote.bin");
        await File.WriteAllBytesAsync(
            quote,
            await SimulatedQuotes.CreateAsync(new SimulatedQuoteRequest { PlatformDirectory = platformDirectory, ReportData = new byte[] { 1 } }, Token),
            Token);
        var request = new QuoteVerificationRequest
        {
            QuotePath = quote,
            RootPath = Path.Combine(platformDirectory, SimulatedPlatformFiles.RootCertificate),
            TcbInfoPath = Path.Combine(platformDirectory, SimulatedPlatformFiles.SgxTcbInfo),
            QeIdentityPath = Path.Combine(platformDirectory, SimulatedPlatformFiles.QeIdentity),
            TcbSigningChainPath = Path.Combine(platformDirectory, SimulatedPlatformFiles.TcbSigningChain),
        };

        QuoteVerificationOutcome required = await QuoteVerification.VerifyAsync(request, cancellationToken: Token);
        QuoteVerificationOutcome turnedOff = await QuoteVerification.VerifyAsync(request with { RequireRevocation = false }, cancellationToken: Token);

        Assert.Equal(QuoteVerificationVerdict.Rejected, required.Verdict);
        Assert.Equal("STATUS_MISSING_PARAMETERS", required.Result.Error!.Code);
        Assert.Equal(QuoteVerificationVerdict.Accepted, turnedOff.Verdict);
        Assert.False(turnedOff.Result.RevocationChecked);
    }

    [Fact]
    public void Parse_PolicyRevocationField_DefaultsToRequiredAndRejectsDuplicates()
    {
        AppraisalPolicy absent = AppraisalPolicy.Parse("""{"sgx": {"mrEnclave": []}}"""u8);
        AppraisalPolicy off = AppraisalPolicy.Parse("""{"sgx": {"mrEnclave": []}, "requireRevocationCheck": false}"""u8);

        Assert.True(absent.RequireRevocationCheck);
        Assert.False(off.RequireRevocationCheck);
        Assert.Throws<AttestationFormatException>(() => AppraisalPolicy.Parse("""{"requireRevocationCheck": false, "requireRevocationCheck": true}"""u8));
        Assert.Throws<AttestationFormatException>(() => AppraisalPolicy.Parse("""{"requireRevocationChecks": false}"""u8));
    }

    // Item 22 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("00")]
    [InlineData("000000")]
    [InlineData("68656c6c6f0a")]
    [InlineData("3003020101")]
    public void Parse_DerCrlFollowedByTrailingBytes_IsAcceptedAsOpenSslDoes(string trailingHex)
    {
        byte[] der = DcapVectors.Read("intel-qvl-sample-sgx/intermediateCaCrl.der");

        RevocationList crl = RevocationList.Parse([.. der, .. Convert.FromHexString(trailingHex)], "crl with trailing bytes");

        Assert.Equal(der, crl.Der.ToArray());
        Assert.Equal(RevocationList.Parse(der).ThisUpdate, crl.ThisUpdate);
    }

    [Fact]
    public void Parse_TruncatedDerCrl_IsStillRejected()
    {
        byte[] der = DcapVectors.Read("intel-qvl-sample-sgx/intermediateCaCrl.der");

        Assert.Throws<AttestationFormatException>(() => RevocationList.Parse(der.AsSpan(0, der.Length - 1), "truncated crl"));
    }

    [Fact]
    public void Verify_OpenEnclaveStyleCrlsWithTrailingNul_VerifyAndCheckRevocation()
    {
        JsonElement vector = DcapVectors.Get("phala-sgx-v3");
        JsonDocument bundle = JsonDocument.Parse(File.ReadAllBytes(PathOf("phala-dcap-qvl/sgx_quote_collateral.json")));
        var withNul = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in bundle.RootElement.EnumerateObject())
        {
            withNul[property.Name] = property.Name is "root_ca_crl" or "pck_crl"
                ? JsonSerializer.SerializeToElement(property.Value.GetString() + "00")
                : property.Value;
        }

        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(JsonSerializer.SerializeToUtf8Bytes(withNul));
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector), Strict = true });

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), collateral, DcapVectors.Time(vector));

        Assert.True(result.Valid, result.Error?.Message);
        Assert.True(result.RevocationChecked);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, result.TcbStatus);
    }

    [Fact]
    public async Task Verify_PckCrlWithoutIntelsRequiredExtensions_FailsWithCrlInvalidExtensions()
    {
        // Intel's PckCrlVerifier requires the CRL Number and Authority Key Identifier extensions, checked after the
        // issuer and before the signature; this CRL names the right issuer and carries neither.
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx);
        RevocationList bare = RevocationList.Parse(CrlWithoutExtensions(collateral.PckCrl!), "bare PCK CRL");

        QuoteVerificationResult result = Sim.VerifySgx(platform, collateral with { PckCrl = bare });

        Assert.False(result.Valid);
        Assert.Equal("STATUS_SGX_CRL_INVALID_EXTENSIONS", result.Error!.Code);
    }

    /// <summary>A v1-shaped CRL with <paramref name="model"/>'s issuer and dates, no extensions and a dummy signature.</summary>
    private static byte[] CrlWithoutExtensions(RevocationList model)
    {
        var source = new AsnReader(model.Der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        source.ReadInteger();
        source.ReadSequence();
        ReadOnlyMemory<byte> issuer = source.ReadEncodedValue();

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
                }

                writer.WriteEncodedValue(issuer.Span);
                writer.WriteUtcTime(model.ThisUpdate);
                writer.WriteUtcTime(model.NextUpdate!.Value);
            }

            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            }

            writer.WriteBitString(new byte[] { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 });
        }

        return writer.Encode();
    }
}
