using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ppml.Data.Tpch;
using Ppml.Data.Tpch.Generation;

namespace Ppml.Benchmarks.Data.Tpch;

/// <summary>
/// All eight tables at SF 1 (8.66 M rows, about 1.1 GB of .tbl text) into byte-counting sinks, measured a
/// few times cold (each run is seconds long): divide 8,661,245 rows and the reported bytes by the mean.
/// Run with <c>--filter *TpchSf1GenerationBenchmarks*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class TpchSf1GenerationBenchmarks
{
    [Params(1.0)]
    public double ScaleFactor { get; set; }

    private TextPool? _pool;

    /// <summary>The text pool's size, so the setup's work is observable.</summary>
    public int PoolSize => _pool?.Size ?? 0;

    [GlobalSetup]
    public void Setup() => _pool = TextPool.Default;

    [Benchmark(Baseline = true)]
    public Task<long> AllCores() => GenerateAsync(Environment.ProcessorCount);

    [Benchmark]
    public Task<long> OneThread() => GenerateAsync(1);

    private async Task<long> GenerateAsync(int threads)
    {
        TpchGenerationResult result = await TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor, Parts = threads * 4, MaxDegreeOfParallelism = threads },
            (_, _) => ValueTask.FromResult<Stream>(new CountingStream()),
            (_, _, _) => ValueTask.CompletedTask);
        return result.TotalBytes;
    }
}
