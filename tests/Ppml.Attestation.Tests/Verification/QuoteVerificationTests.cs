using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Testing;

namespace Ppml.Attestation.Tests.Verification;

public sealed class QuoteVerificationTests
{
    /// <summary>Inside the validity of a simulated platform created by the tests.</summary>
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2025-03-01T12:00:00Z", CultureInfo.InvariantCulture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A file of tests/data/testdata/attestation (real quotes and collateral; see its README).</summary>
    private static string PathOf(string relative) => SharedData.PathOf(["testdata", "attestation", .. relative.Split('/')]);

    private static void AssertVerdict(QuoteVerificationVerdict expected, QuoteVerificationOutcome outcome) =>
        Assert.True(expected == outcome.Verdict, $"verdict {outcome.Verdict}, expected {expected}: {outcome.Result.ToJson()}");

    /// <summary>Saves a simulated platform and signs a test quote with it, as a host without a TEE does.</summary>
    private static async Task<byte[]> SimulatedQuoteAsync(string platform, string quotePath, FakeTimeProvider clock, TeeType tee, string reportDataHex)
    {
        using (await SimulatedPlatform.CreateSavedAsync(platform, timeProvider: clock, cancellationToken: Token))
        {
        }

        byte[] quote = await SimulatedQuotes.CreateAsync(
            new SimulatedQuoteRequest { PlatformDirectory = platform, ReportData = Convert.FromHexString(reportDataHex), Tee = tee }, Token);
        await File.WriteAllBytesAsync(quotePath, quote, Token);
        return quote;
    }

    [Fact]
    public async Task VerifyAsync_PhalaSgxWithBundleAndTime_Accepted()
    {
        var request = new QuoteVerificationRequest
        {
            QuotePath = PathOf("phala-dcap-qvl/sgx_quote.bin"),
            CollateralPath = PathOf("phala-dcap-qvl/sgx_quote_collateral.json"),
            At = "2025-07-19T10:01:17Z",
        };

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(request, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.Accepted, outcome);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, outcome.Result.TcbStatus);
        Assert.Contains("\"tcbStatus\": \"ConfigurationAndSWHardeningNeeded\"", outcome.Result.ToJson(), StringComparison.Ordinal);
        Assert.Contains("ACCEPTED", outcome.Result.ToDisplayString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_HexQuoteAndUnixTime_AreAutoDetected()
    {
        var request = new QuoteVerificationRequest
        {
            QuotePath = PathOf("phala-dcap-qvl/near_quote_hex.txt"),
            CollateralPath = PathOf("phala-dcap-qvl/near_quote_collateral.json"),
            At = "1757462400",
        };

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(request, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.Accepted, outcome);
        Assert.Equal("TDX", outcome.Result.Tee);
        Assert.Equal(TcbStatus.UpToDate, outcome.Result.TcbStatus);
    }

    [Fact]
    public async Task VerifyAsync_IntelSampleWithSeparateFiles_UsesEveryInput()
    {
        using var directory = new TempDirectory();
        string pckChain = directory.Combine("pck-chain.pem");
        await File.WriteAllTextAsync(
            pckChain,
            await File.ReadAllTextAsync(PathOf("intel-qvl-sample-sgx/pckCert.pem"), Token) +
            await File.ReadAllTextAsync(PathOf("intel-qvl-sample-sgx/pckSignChain.pem"), Token),
            Token);
        var request = new QuoteVerificationRequest
        {
            QuotePath = PathOf("intel-qvl-sample-sgx/quote.dat"),
            RootPath = PathOf("intel-qvl-sample-sgx/trustedRootCaCert.pem"),
            TcbInfoPath = PathOf("intel-qvl-sample-sgx/tcbInfo.json"),
            QeIdentityPath = PathOf("intel-qvl-sample-sgx/qeIdentity.json"),
            TcbSigningChainPath = PathOf("intel-qvl-sample-sgx/tcbSignChain.pem"),
            RootCrlPath = PathOf("intel-qvl-sample-sgx/rootCaCrl.pem"),
            PckCrlPath = PathOf("intel-qvl-sample-sgx/intermediateCaCrl.der"),
            PckChainPath = pckChain,
            At = "2024-01-01T00:00:00Z",
            Strict = true,
        };

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(request, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.Accepted, outcome);
        Assert.True(outcome.Result.RevocationChecked);
        Assert.Equal(TcbStatus.UpToDate, outcome.Result.TcbStatus);
    }

    [Fact]
    public async Task VerifyAsync_SimulatedPlatformFiles_AcceptedOnlyWithTheirRoot()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(s_now);
        byte[] quote = await SimulatedQuoteAsync(directory.Combine("platform"), directory.Combine("quote.bin"), clock, TeeType.Sgx, "c0ffee");
        string policy = directory.Combine("policy.json");
        await File.WriteAllTextAsync(
            policy,
            $$"""{"sgx": {"mrEnclave": "{{Convert.ToHexStringLower(SimulatedQuotes.DefaultMrEnclave.Span)}}"}, "reportData": "c0ffee", "requireRevocationCheck": true}""",
            Token);
        string platform = directory.Combine("platform");
        var request = new QuoteVerificationRequest
        {
            QuotePath = directory.Combine("quote.bin"),
            RootPath = Path.Combine(platform, SimulatedPlatformFiles.RootCertificate),
            TcbInfoPath = Path.Combine(platform, SimulatedPlatformFiles.SgxTcbInfo),
            QeIdentityPath = Path.Combine(platform, SimulatedPlatformFiles.QeIdentity),
            TcbSigningChainPath = Path.Combine(platform, SimulatedPlatformFiles.TcbSigningChain),
            RootCrlPath = Path.Combine(platform, SimulatedPlatformFiles.RootCaCrl),
            PckCrlPath = Path.Combine(platform, SimulatedPlatformFiles.PckCrl),
            PolicyPath = policy,
        };

        QuoteVerificationOutcome accepted = await QuoteVerification.VerifyAsync(request, clock, Token);
        QuoteVerificationOutcome untrusted = await QuoteVerification.VerifyAsync(request with { RootPath = null }, clock, Token);

        Assert.Equal(3, Quote.Parse(quote).Version);
        AssertVerdict(QuoteVerificationVerdict.Accepted, accepted);
        Assert.True(accepted.Result.Policy!.Accepted);
        AssertVerdict(QuoteVerificationVerdict.Rejected, untrusted);
        Assert.Equal("STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED", untrusted.Result.Error!.Code);
        Assert.False(untrusted.Result.Policy!.Accepted);
    }

    [Fact]
    public async Task VerifyAsync_SimulatedTdxQuoteAsBase64_VerifiesWithBundle()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(s_now);
        string platform = directory.Combine("platform");
        await SimulatedQuoteAsync(platform, directory.Combine("td.quote"), clock, TeeType.Tdx, "01");
        string base64 = directory.Combine("td.quote.b64");
        await File.WriteAllTextAsync(base64, Convert.ToBase64String(await File.ReadAllBytesAsync(directory.Combine("td.quote"), Token)), Token);

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(
            new QuoteVerificationRequest
            {
                QuotePath = base64,
                RootPath = Path.Combine(platform, SimulatedPlatformFiles.RootCertificate),
                CollateralPath = Path.Combine(platform, SimulatedPlatformFiles.TdxCollateral),
            },
            clock,
            Token);

        AssertVerdict(QuoteVerificationVerdict.Accepted, outcome);
        Assert.Equal("TDX", outcome.Result.Tee);
        Assert.Equal(Convert.ToHexStringLower(SimulatedQuotes.DefaultMrTd.Span), outcome.Result.MrTd);
    }

    [Fact]
    public async Task VerifyAsync_DocumentedPolicyRejects_SameJsonAsTheVerifier()
    {
        // docs/attestation.md: the command line prints exactly what the library example of that page produces.
        using var directory = new TempDirectory();
        const string Policy = """{"sgx": {"mrEnclave": "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"}, "allowedTcbStatuses": ["UpToDate", "SWHardeningNeeded"]}""";
        string policyPath = directory.Combine("policy.json");
        await File.WriteAllTextAsync(policyPath, Policy, Token);

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(
            new QuoteVerificationRequest
            {
                QuotePath = PathOf("phala-dcap-qvl/sgx_quote.bin"),
                CollateralPath = PathOf("phala-dcap-qvl/sgx_quote_collateral.json"),
                PolicyPath = policyPath,
                At = "2025-07-19T10:01:17Z",
            },
            cancellationToken: Token);
        byte[] quote = await File.ReadAllBytesAsync(PathOf("phala-dcap-qvl/sgx_quote.bin"), Token);
        byte[] bundle = await File.ReadAllBytesAsync(PathOf("phala-dcap-qvl/sgx_quote_collateral.json"), Token);
        QuoteVerificationResult library = new QuoteVerifier().Verify(quote, QuoteCollateral.ParseBundleJson(bundle), DateTimeOffset.FromUnixTimeSeconds(1752919277));
        library = library with { Policy = AppraisalPolicy.Parse(Encoding.UTF8.GetBytes(Policy)).Evaluate(library) };

        AssertVerdict(QuoteVerificationVerdict.Rejected, outcome);
        Assert.False(library.IsAccepted);
        Assert.Equal(library.ToJson(), outcome.Result.ToJson());
    }

    [Fact]
    public async Task VerifyAsync_MissingQuoteFile_IsInvalidInput()
    {
        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = "/nonexistent/quote.bin" }, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.InvalidInput, outcome);
        Assert.Equal("STATUS_INVALID_PARAMETER", outcome.Result.Error!.Code);
        Assert.Contains("/nonexistent/quote.bin", outcome.Result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_BadTimeOrPolicy_IsInvalidInput()
    {
        using var directory = new TempDirectory();
        string policy = directory.Combine("policy.json");
        await File.WriteAllTextAsync(policy, """{"allowedTcbStatus": []}""", Token);
        string quote = PathOf("phala-dcap-qvl/sgx_quote.bin");

        QuoteVerificationOutcome badTime = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = quote, At = "yesterday" }, cancellationToken: Token);
        QuoteVerificationOutcome badPolicy = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = quote, PolicyPath = policy }, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.InvalidInput, badTime);
        Assert.Contains("yesterday", badTime.Result.Error!.Message, StringComparison.Ordinal);
        AssertVerdict(QuoteVerificationVerdict.InvalidInput, badPolicy);
        Assert.Contains("allowedTcbStatus", badPolicy.Result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_MalformedCollateral_IsRejectedWithIntelsCode()
    {
        using var directory = new TempDirectory();
        string tcbInfo = directory.Combine("tcbinfo.json");
        string crl = directory.Combine("bad.crl");
        await File.WriteAllTextAsync(tcbInfo, """{"tcbInfo": {"version": 9}, "signature": "00"}""", Token);
        await File.WriteAllTextAsync(crl, "not a crl", Token);
        string quote = PathOf("phala-dcap-qvl/sgx_quote.bin");

        QuoteVerificationOutcome badTcbInfo = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = quote, TcbInfoPath = tcbInfo }, cancellationToken: Token);
        QuoteVerificationOutcome badCrl = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = quote, PckCrlPath = crl }, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.Rejected, badTcbInfo);
        Assert.Equal("STATUS_UNSUPPORTED_TCB_INFO_FORMAT", badTcbInfo.Result.Error!.Code);
        AssertVerdict(QuoteVerificationVerdict.Rejected, badCrl);
        Assert.Equal("STATUS_SGX_CRL_UNSUPPORTED_FORMAT", badCrl.Result.Error!.Code);
    }

    [Fact]
    public async Task VerifyAsync_UnreadableCollateralFile_IsInvalidInputNamingTheInput()
    {
        string quote = PathOf("phala-dcap-qvl/sgx_quote.bin");

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(
            new QuoteVerificationRequest { QuotePath = quote, TcbInfoPath = "/nonexistent/tcbinfo.json" }, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.InvalidInput, outcome);
        Assert.StartsWith("TCB Info '/nonexistent/tcbinfo.json': cannot read it", outcome.Result.Error!.Message, StringComparison.Ordinal);
        Assert.False(outcome.Result.Valid);
    }

    [Fact]
    public async Task VerifyAsync_GarbageQuote_IsUnsupportedQuoteFormat()
    {
        using var directory = new TempDirectory();
        string quote = directory.Combine("quote.txt");
        await File.WriteAllTextAsync(quote, "this is not a quote!", Token);

        QuoteVerificationOutcome outcome = await QuoteVerification.VerifyAsync(new QuoteVerificationRequest { QuotePath = quote }, cancellationToken: Token);

        AssertVerdict(QuoteVerificationVerdict.Rejected, outcome);
        Assert.Equal("STATUS_UNSUPPORTED_QUOTE_FORMAT", outcome.Result.Error!.Code);
    }

    [Theory]
    [InlineData("1752919277", "2025-07-19T10:01:17Z")]
    [InlineData("2025-07-19T10:01:17Z", "2025-07-19T10:01:17Z")]
    [InlineData("2025-07-19T12:01:17+02:00", "2025-07-19T10:01:17Z")]
    public void ParseTime_UnixOrIso_GivesTheInstant(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), QuoteVerification.ParseTime(text));
    }
}
