using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Simulation.Tests.Support;

/// <summary>Simulated platforms at a fixed instant, and the measurements the tests put in quotes.</summary>
public static class Sim
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2025-03-01T12:00:00Z", CultureInfo.InvariantCulture);

    public static readonly byte[] MrEnclave = Measure("enclave", 32);
    public static readonly byte[] MrSigner = Measure("signer", 32);
    public static readonly byte[] MrTd = Measure("td", 48);
    public static readonly byte[][] Rtmrs = [Measure("rtmr0", 48), Measure("rtmr1", 48), Measure("rtmr2", 48), Measure("rtmr3", 48)];
    public static readonly byte[] ReportData = Measure("nonce", 64);

    private static readonly Lazy<Task<SimulatedPlatform>> s_default = new(() => CreateAsync(new SimulatedPlatformOptions()));

    public static Task<SimulatedPlatform> DefaultAsync() => s_default.Value;

    public static Task<SimulatedPlatform> CreateAsync(SimulatedPlatformOptions options) =>
        SimulatedPlatform.CreateAsync(options, new FakeTimeProvider(Now), TestContext.Current.CancellationToken);

    public static QuoteVerifier Verifier(SimulatedPlatform platform, bool strict = false) =>
        new(new QuoteVerifierOptions { TrustedRootCertificate = platform.RootCertificate, Strict = strict });

    public static byte[] SgxQuote(SimulatedPlatform platform, ReadOnlySpan<byte> attributes = default) =>
        platform.CreateSgxQuote(ReportData, MrEnclave, MrSigner, isvProdId: 7, isvSvn: 3, attributes);

    public static byte[] TdxQuote(SimulatedPlatform platform, TdxQuoteOptions? options = null) =>
        platform.CreateTdxQuote(ReportData, MrTd, Rtmrs, options);

    public static QuoteVerificationResult VerifySgx(SimulatedPlatform platform, QuoteCollateral? collateral = null, bool strict = false) =>
        Verifier(platform, strict).Verify(SgxQuote(platform), collateral ?? platform.GetCollateral(TeeType.Sgx), Now.AddMinutes(5));

    public static QuoteVerificationResult VerifyTdx(SimulatedPlatform platform, TdxQuoteOptions? options = null, QuoteCollateral? collateral = null) =>
        Verifier(platform).Verify(TdxQuote(platform, options), collateral ?? platform.GetCollateral(TeeType.Tdx), Now.AddMinutes(5));

    public static byte[] Measure(string label, int length)
    {
        byte[] bytes = SHA512.HashData(Encoding.ASCII.GetBytes(label));
        return bytes[..length];
    }
}
