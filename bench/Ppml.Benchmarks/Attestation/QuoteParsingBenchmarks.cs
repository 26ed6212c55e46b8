using BenchmarkDotNet.Attributes;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;

namespace Ppml.Benchmarks.Attestation;

/// <summary>Parsing alone: structure and bounds checks of an SGX v3 or TDX v4 quote (about 4.5 KB with its PCK chain).</summary>
[MemoryDiagnoser]
public class QuoteParsingBenchmarks
{
    private byte[] _quote = null!;

    [Params("SGX", "TDX")]
    public string Tee { get; set; } = "SGX";

    [GlobalSetup]
    public void Setup()
    {
        using SimulatedPlatform platform = SimulatedPlatform.CreateAsync().GetAwaiter().GetResult();
        _quote = Tee == "TDX"
            ? platform.CreateTdxQuote(new byte[64], new byte[48])
            : platform.CreateSgxQuote(new byte[64], new byte[32], new byte[32], 1, 1);
    }

    [Benchmark(Baseline = true)]
    public Quote Parse() => Quote.Parse(_quote);
}
