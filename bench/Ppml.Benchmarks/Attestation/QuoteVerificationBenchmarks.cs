using BenchmarkDotNet.Attributes;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;

namespace Ppml.Benchmarks.Attestation;

/// <summary>
/// Full DCAP verification of one quote with collateral already parsed (the steady state of a KMS or attestation
/// service): chains and collateral signatures come from the verifier's exact-bytes memo, so the cost is the quote
/// parse, the QE report and quote checks and TCB matching.
/// </summary>
[MemoryDiagnoser]
public class QuoteVerificationBenchmarks
{
    private SimulatedPlatform _platform = null!;
    private QuoteVerifier _verifier = null!;
    private QuoteCollateral _collateral = null!;
    private byte[] _quote = null!;
    private DateTimeOffset _now;

    [Params("SGX", "TDX")]
    public string Tee { get; set; } = "SGX";

    [GlobalSetup]
    public void Setup()
    {
        _platform = SimulatedPlatform.CreateAsync().GetAwaiter().GetResult();
        _now = TimeProvider.System.GetUtcNow();
        bool tdx = Tee == "TDX";
        byte[] reportData = new byte[64];
        _quote = tdx
            ? _platform.CreateTdxQuote(reportData, new byte[48])
            : _platform.CreateSgxQuote(reportData, new byte[32], new byte[32], 1, 1);
        _collateral = _platform.GetCollateral(tdx ? TeeType.Tdx : TeeType.Sgx);
        _verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = _platform.RootCertificate });
        QuoteVerificationResult warm = _verifier.Verify(_quote, _collateral, _now);
        if (!warm.Valid)
        {
            throw new InvalidOperationException($"Benchmark setup: the quote does not verify ({warm.Error?.Code}).");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _platform.Dispose();

    [Benchmark(Baseline = true)]
    public QuoteVerificationResult Verify() => _verifier.Verify(_quote, _collateral, _now);
}
