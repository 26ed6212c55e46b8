using System.Text;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Tests.Policy;

public sealed class AppraisalPolicyTests
{
    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static AppraisalPolicy Parse(string json) => AppraisalPolicy.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Evaluate_SgxByMrEnclave_Accepts()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        AppraisalPolicy policy = Parse($$"""{"sgx": {"mrEnclave": ["{{Hex(Sim.MrEnclave)}}"]}, "reportData": "{{Hex(Sim.ReportData)}}"}""");

        PolicyOutcome outcome = policy.Evaluate(Sim.VerifySgx(platform));

        Assert.True(outcome.Accepted, string.Join("; ", outcome.Reasons));
        Assert.Empty(outcome.Reasons);
    }

    [Theory]
    [InlineData(7, 3, true)]
    [InlineData(7, 4, false)]
    [InlineData(8, 0, false)]
    public async Task Evaluate_SgxBySigner_ChecksProductAndMinimumSvn(int isvProdId, int minIsvSvn, bool accepted)
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        AppraisalPolicy policy = Parse($$"""{"sgx": {"signers": [{"mrSigner": "{{Hex(Sim.MrSigner)}}", "isvProdId": {{isvProdId}}, "minIsvSvn": {{minIsvSvn}}}]} }""");

        PolicyOutcome outcome = policy.Evaluate(Sim.VerifySgx(platform));

        Assert.True(accepted == outcome.Accepted, string.Join("; ", outcome.Reasons));
    }

    [Fact]
    public async Task Evaluate_DebugEnclave_IsRefusedUnlessAllowed()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] debugAttributes = new byte[16];
        debugAttributes[0] = 0x07; // INIT | DEBUG | MODE64BIT
        byte[] quote = Sim.SgxQuote(platform, debugAttributes);
        QuoteVerificationResult result = Sim.Verifier(platform).Verify(quote, platform.GetCollateral(TeeType.Sgx), Sim.Now);
        string identity = $$"""{"mrEnclave": "{{Hex(Sim.MrEnclave)}}" """;

        PolicyOutcome refused = Parse($$"""{"sgx": {{identity}} } }""").Evaluate(result);
        PolicyOutcome allowed = Parse($$"""{"sgx": {{identity}}, "allowDebug": true } }""").Evaluate(result);

        Assert.True(result.Valid);
        Assert.False(refused.Accepted);
        Assert.Contains(refused.Reasons, r => r.Contains("debug", StringComparison.Ordinal));
        Assert.True(allowed.Accepted, string.Join("; ", allowed.Reasons));
    }

    [Fact]
    public async Task Evaluate_EveryBrokenRule_IsListed()
    {
        using SimulatedPlatform platform = await Sim.CreateAsync(new SimulatedPlatformOptions { PlatformTcbStatus = TcbStatus.SWHardeningNeeded, ExpiredCollateral = true });
        AppraisalPolicy policy = Parse($$"""
            {
              "sgx": {"mrEnclave": "{{new string('a', 64)}}"},
              "allowedTcbStatuses": ["UpToDate"],
              "allowedAdvisoryIds": [],
              "reportData": "00",
              "requireRevocationCheck": true
            }
            """);
        // The verifier's own revocation requirement is off, so that the policy's is the one that speaks.
        QuoteVerificationResult result = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = platform.RootCertificate, RequireRevocation = false })
            .Verify(Sim.SgxQuote(platform), platform.GetCollateral(TeeType.Sgx) with { PckCrl = null }, Sim.Now.AddMinutes(5));

        PolicyOutcome outcome = policy.Evaluate(result);

        Assert.True(result.Valid);
        Assert.False(outcome.Accepted);
        Assert.Equal(6, outcome.Reasons.Count);
        Assert.Contains(outcome.Reasons, r => r.Contains("MRENCLAVE", StringComparison.Ordinal));
        Assert.Contains(outcome.Reasons, r => r.Contains("SWHardeningNeeded", StringComparison.Ordinal));
        Assert.Contains(outcome.Reasons, r => r.Contains("PPML-SIM-SA", StringComparison.Ordinal));
        Assert.Contains(outcome.Reasons, r => r.Contains("report data", StringComparison.Ordinal));
        Assert.Contains(outcome.Reasons, r => r.Contains("expired", StringComparison.Ordinal));
        Assert.Contains(outcome.Reasons, r => r.Contains("revocation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_Tdx_ChecksMeasurementsDebugAndSeptVeDisable()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        string pins = $$"""
            "mrTd": "{{Hex(Sim.MrTd)}}", "rtmr0": "{{Hex(Sim.Rtmrs[0])}}", "rtmr1": ["{{Hex(Sim.Rtmrs[1])}}"],
            "rtmr2": "{{Hex(Sim.Rtmrs[2])}}", "rtmr3": "{{Hex(Sim.Rtmrs[3])}}"
            """;
        AppraisalPolicy policy = Parse($$"""{"tdx": { {{pins}} } }""");

        PolicyOutcome good = policy.Evaluate(Sim.VerifyTdx(platform));
        PolicyOutcome debug = policy.Evaluate(Sim.VerifyTdx(platform, new TdxQuoteOptions { TdAttributes = 1 | TdxQuoteOptions.SeptVeDisable }));
        PolicyOutcome noSept = policy.Evaluate(Sim.VerifyTdx(platform, new TdxQuoteOptions { TdAttributes = 0 }));
        PolicyOutcome noSeptAllowed = Parse($$"""{"tdx": { {{pins}}, "requireSeptVeDisable": false } }""")
            .Evaluate(Sim.VerifyTdx(platform, new TdxQuoteOptions { TdAttributes = 0 }));
        PolicyOutcome wrongRtmr = Parse($$"""{"tdx": {"rtmr3": "{{new string('0', 96)}}"} }""").Evaluate(Sim.VerifyTdx(platform));

        Assert.True(good.Accepted, string.Join("; ", good.Reasons));
        Assert.Contains(debug.Reasons, r => r.Contains("debug TD", StringComparison.Ordinal));
        Assert.Contains(noSept.Reasons, r => r.Contains("SEPT_VE_DISABLE", StringComparison.Ordinal));
        Assert.True(noSeptAllowed.Accepted);
        Assert.Contains(wrongRtmr.Reasons, r => r.StartsWith("RTMR3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_TeeWithoutSection_OrInvalidQuote_IsRejected()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        AppraisalPolicy sgxOnly = Parse($$"""{"sgx": {"mrEnclave": "{{Hex(Sim.MrEnclave)}}"} }""");
        byte[] tampered = Sim.SgxQuote(platform);
        tampered[100] ^= 1;

        PolicyOutcome tdx = sgxOnly.Evaluate(Sim.VerifyTdx(platform));
        PolicyOutcome invalid = sgxOnly.Evaluate(Sim.Verifier(platform).Verify(tampered, platform.GetCollateral(TeeType.Sgx), Sim.Now));

        Assert.Contains(tdx.Reasons, r => r.Contains("no TDX", StringComparison.Ordinal));
        Assert.Contains(invalid.Reasons, r => r.Contains("STATUS_INVALID_QUOTE_SIGNATURE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"sgx": {"mrenclave": "00"}}""", "sgx.mrenclave")]
    [InlineData("""{"allowedTcbStatuses": ["Fine"]}""", "allowedTcbStatuses")]
    [InlineData("""{"allowedTcbStatuses": ["0"]}""", "allowedTcbStatuses")]
    [InlineData("""{"reportData": "xyz"}""", "reportData")]
    [InlineData("""{"sgx": {"mrEnclave": "abcd"}}""", "sgx.mrEnclave[0]")]
    [InlineData("""{"tdx": {"allowDebug": "yes"}}""", "allowDebug")]
    [InlineData("""{"typo": 1}""", "typo")]
    [InlineData("""[]""", "$")]
    public void Parse_InvalidPolicy_NamesTheField(string json, string field)
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Parse(json));

        Assert.Equal(field, error.Field);
    }

    // Issue 10: a duplicate member could mean one thing to this parser and another to the next; named in full (the
    // runtime's own message shortens names longer than 15 characters).
    [Theory]
    [InlineData("""{"allowExpiredCollateral": false, "allowExpiredCollateral": true}""", "allowExpiredCollateral")]
    [InlineData("""{"sgx": {"mrEnclave": [], "mrEnclave": ["00"]}}""", "sgx.mrEnclave")]
    [InlineData("""{"sgx": {"allowSimulation": true}, "sgx": {}}""", "sgx")]
    [InlineData("""{"sgx": {"signers": [{"mrSigner": "aa", "mrSigner": "bb"}]}}""", "sgx.signers[].mrSigner")]
    public void Parse_DuplicateMember_NamesItInFull(string json, string field)
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Parse(json));

        Assert.Equal(field, error.Field);
        Assert.Contains($"'{field}' appears twice", error.Message, StringComparison.Ordinal);
    }
}
