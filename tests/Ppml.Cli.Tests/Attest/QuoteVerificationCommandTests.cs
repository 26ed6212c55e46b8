using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Ppml.Attestation;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Cli.Attest;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Attest;

public sealed class QuoteVerificationCommandTests
{
    /// <summary>Inside the validity of a simulated platform created by the tests.</summary>
    private static readonly DateTimeOffset s_now = DateTimeOffset.Parse("2025-03-01T12:00:00Z", CultureInfo.InvariantCulture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A file of tests/data/testdata/attestation (real quotes and collateral; see its README).</summary>
    private static string PathOf(string relative) => SharedData.PathOf(["testdata", "attestation", .. relative.Split('/')]);

    private static void AssertExit(int expected, QuoteVerificationOutcome outcome) =>
        Assert.True(expected == outcome.ExitCode, $"exit code {outcome.ExitCode}, expected {expected}: {outcome.ToJson()}");

    [Fact]
    public async Task RunAsync_PhalaSgxWithBundleAndTime_IsValidExitZero()
    {
        var request = new QuoteVerificationRequest
        {
            QuotePath = PathOf("phala-dcap-qvl/sgx_quote.bin"),
            CollateralPath = PathOf("phala-dcap-qvl/sgx_quote_collateral.json"),
            At = "2025-07-19T10:01:17Z",
        };

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(request, Token);

        AssertExit(0, outcome);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, outcome.Result.TcbStatus);
        Assert.Contains("\"tcbStatus\": \"ConfigurationAndSWHardeningNeeded\"", outcome.ToJson(), StringComparison.Ordinal);
        Assert.Contains("ACCEPTED", outcome.ToDisplayString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HexQuoteAndUnixTime_AreAutoDetected()
    {
        var request = new QuoteVerificationRequest
        {
            QuotePath = PathOf("phala-dcap-qvl/near_quote_hex.txt"),
            CollateralPath = PathOf("phala-dcap-qvl/near_quote_collateral.json"),
            At = "1757462400",
        };

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(request, Token);

        AssertExit(0, outcome);
        Assert.Equal("TDX", outcome.Result.Tee);
        Assert.Equal(TcbStatus.UpToDate, outcome.Result.TcbStatus);
    }

    [Fact]
    public async Task RunAsync_IntelSampleWithSeparateFiles_UsesEveryOption()
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

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(request, Token);

        AssertExit(0, outcome);
        Assert.True(outcome.Result.RevocationChecked);
        Assert.Equal(TcbStatus.UpToDate, outcome.Result.TcbStatus);
    }

    [Fact]
    public async Task RunAsync_SimulatedPlatformFiles_VerifyWithRootAndPolicy()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(s_now);
        string summary = await SimulatedPlatformCommand.RunAsync(directory.Combine("platform"), timeProvider: clock, cancellationToken: Token);
        byte[] quote = await QuoteGenerationCommand.RunAsync(
            new QuoteGenerationRequest
            {
                PlatformDirectory = directory.Combine("platform"),
                ReportDataHex = "c0ffee",
                OutPath = directory.Combine("quote.bin"),
            },
            Token);
        string policy = directory.Combine("policy.json");
        await File.WriteAllTextAsync(
            policy,
            $$"""{"sgx": {"mrEnclave": "{{Convert.ToHexStringLower(QuoteGenerationCommand.DefaultMrEnclave.Span)}}"}, "reportData": "c0ffee", "requireRevocationCheck": true}""",
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

        QuoteVerificationOutcome accepted = await QuoteVerificationCommand.RunAsync(request, clock, Token);
        QuoteVerificationOutcome untrusted = await QuoteVerificationCommand.RunAsync(request with { RootPath = null }, clock, Token);

        Assert.Contains("NOT an Intel TEE", summary, StringComparison.Ordinal);
        Assert.Equal(3, Quote.Parse(quote).Version);
        AssertExit(0, accepted);
        Assert.True(accepted.Result.Policy!.Accepted);
        AssertExit(1, untrusted);
        Assert.Equal("STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED", untrusted.Result.Error!.Code);
        Assert.False(untrusted.Result.Policy!.Accepted);
    }

    [Fact]
    public async Task RunAsync_TdxQuoteFromCommand_VerifiesWithBundle()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(s_now);
        string platform = directory.Combine("platform");
        await SimulatedPlatformCommand.RunAsync(platform, timeProvider: clock, cancellationToken: Token);
        await QuoteGenerationCommand.RunAsync(
            new QuoteGenerationRequest { PlatformDirectory = platform, ReportDataHex = "01", OutPath = directory.Combine("td.quote"), Tee = TeeType.Tdx },
            Token);
        string base64 = directory.Combine("td.quote.b64");
        await File.WriteAllTextAsync(base64, Convert.ToBase64String(await File.ReadAllBytesAsync(directory.Combine("td.quote"), Token)), Token);

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(
            new QuoteVerificationRequest
            {
                QuotePath = base64,
                RootPath = Path.Combine(platform, SimulatedPlatformFiles.RootCertificate),
                CollateralPath = Path.Combine(platform, SimulatedPlatformFiles.TdxCollateral),
            },
            clock,
            Token);

        AssertExit(0, outcome);
        Assert.Equal("TDX", outcome.Result.Tee);
        Assert.Equal(Convert.ToHexStringLower(QuoteGenerationCommand.DefaultMrTd.Span), outcome.Result.MrTd);
    }

    [Fact]
    public async Task RunAsync_DocumentedPolicyRejects_ExitOneWithTheLibrarysJson()
    {
        // docs/attestation.md: the command line prints exactly what the library example of that page produces.
        using var directory = new TempDirectory();
        const string Policy = """{"sgx": {"mrEnclave": "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"}, "allowedTcbStatuses": ["UpToDate", "SWHardeningNeeded"]}""";
        string policyPath = directory.Combine("policy.json");
        await File.WriteAllTextAsync(policyPath, Policy, Token);

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(
            new QuoteVerificationRequest
            {
                QuotePath = PathOf("phala-dcap-qvl/sgx_quote.bin"),
                CollateralPath = PathOf("phala-dcap-qvl/sgx_quote_collateral.json"),
                PolicyPath = policyPath,
                At = "2025-07-19T10:01:17Z",
            },
            Token);
        byte[] quote = await File.ReadAllBytesAsync(PathOf("phala-dcap-qvl/sgx_quote.bin"), Token);
        byte[] bundle = await File.ReadAllBytesAsync(PathOf("phala-dcap-qvl/sgx_quote_collateral.json"), Token);
        QuoteVerificationResult library = new QuoteVerifier().Verify(quote, QuoteCollateral.ParseBundleJson(bundle), DateTimeOffset.FromUnixTimeSeconds(1752919277));
        library = library with { Policy = AppraisalPolicy.Parse(Encoding.UTF8.GetBytes(Policy)).Evaluate(library) };

        AssertExit(1, outcome);
        Assert.False(library.IsAccepted);
        Assert.Equal(library.ToJson(), outcome.ToJson());
    }

    [Fact]
    public async Task RunAsync_MissingQuoteFile_IsInputErrorExitTwo()
    {
        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = "/nonexistent/quote.bin" }, Token);

        AssertExit(2, outcome);
        Assert.Equal("STATUS_INVALID_PARAMETER", outcome.Result.Error!.Code);
        Assert.Contains("/nonexistent/quote.bin", outcome.Result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadTimeOrPolicy_IsInputErrorExitTwo()
    {
        using var directory = new TempDirectory();
        string policy = directory.Combine("policy.json");
        await File.WriteAllTextAsync(policy, """{"allowedTcbStatus": []}""", Token);
        string quote = PathOf("phala-dcap-qvl/sgx_quote.bin");

        QuoteVerificationOutcome badTime = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = quote, At = "yesterday" }, Token);
        QuoteVerificationOutcome badPolicy = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = quote, PolicyPath = policy }, Token);

        AssertExit(2, badTime);
        Assert.Contains("yesterday", badTime.Result.Error!.Message, StringComparison.Ordinal);
        AssertExit(2, badPolicy);
        Assert.Contains("allowedTcbStatus", badPolicy.Result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MalformedCollateral_IsVerificationFailureWithIntelsCode()
    {
        using var directory = new TempDirectory();
        string tcbInfo = directory.Combine("tcbinfo.json");
        string crl = directory.Combine("bad.crl");
        await File.WriteAllTextAsync(tcbInfo, """{"tcbInfo": {"version": 9}, "signature": "00"}""", Token);
        await File.WriteAllTextAsync(crl, "not a crl", Token);
        string quote = PathOf("phala-dcap-qvl/sgx_quote.bin");

        QuoteVerificationOutcome badTcbInfo = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = quote, TcbInfoPath = tcbInfo }, Token);
        QuoteVerificationOutcome badCrl = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = quote, PckCrlPath = crl }, Token);

        AssertExit(1, badTcbInfo);
        Assert.Equal("STATUS_UNSUPPORTED_TCB_INFO_FORMAT", badTcbInfo.Result.Error!.Code);
        AssertExit(1, badCrl);
        Assert.Equal("STATUS_SGX_CRL_UNSUPPORTED_FORMAT", badCrl.Result.Error!.Code);
    }

    [Fact]
    public async Task RunAsync_GarbageQuote_IsUnsupportedQuoteFormat()
    {
        using var directory = new TempDirectory();
        string quote = directory.Combine("quote.txt");
        await File.WriteAllTextAsync(quote, "this is not a quote!", Token);

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(new QuoteVerificationRequest { QuotePath = quote }, Token);

        AssertExit(1, outcome);
        Assert.Equal("STATUS_UNSUPPORTED_QUOTE_FORMAT", outcome.Result.Error!.Code);
    }

    [Theory]
    [InlineData("1752919277", "2025-07-19T10:01:17Z")]
    [InlineData("2025-07-19T10:01:17Z", "2025-07-19T10:01:17Z")]
    [InlineData("2025-07-19T12:01:17+02:00", "2025-07-19T10:01:17Z")]
    public void ParseTime_UnixOrIso_GivesTheInstant(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), AttestationInput.ParseTime(text));
    }

    [Fact]
    public async Task QuoteGeneration_BadReportData_NamesTheOption()
    {
        AttestationFormatException error = await Assert.ThrowsAsync<AttestationFormatException>(() => QuoteGenerationCommand.RunAsync(
            new QuoteGenerationRequest { PlatformDirectory = "/nonexistent", ReportDataHex = "zz", OutPath = "/nonexistent/q" },
            Token));

        Assert.Equal("--report-data", error.Field);
    }
}
