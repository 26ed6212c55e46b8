using BenchmarkDotNet.Attributes;
using Ppml.Data.Tpch;
using Ppml.Data.Tpch.Generation;

namespace Ppml.Benchmarks.Data.Tpch;

/// <summary>
/// Generating one TPC-H table at a small scale factor into a byte-counting sink: one part on one thread
/// (baseline) against four parts on all cores. The 300 MiB text pool is built in the global setup.
/// </summary>
public class TpchGenerationBenchmarks
{
    [Params(TpchTable.LineItem, TpchTable.PartSupp, TpchTable.Customer)]
    public TpchTable Table { get; set; }

    [Params(0.1)]
    public double ScaleFactor { get; set; }

    private TextPool? _pool;

    /// <summary>The text pool's size, so the setup's work is observable.</summary>
    public int PoolSize => _pool?.Size ?? 0;

    [GlobalSetup]
    public void Setup() => _pool = TextPool.Default;

    [Benchmark(Baseline = true)]
    public Task<long> OnePart() => GenerateAsync(parts: 1, threads: 1);

    [Benchmark]
    public Task<long> FourPartsAllCores() => GenerateAsync(parts: 4, threads: Environment.ProcessorCount);

    private async Task<long> GenerateAsync(int parts, int threads)
    {
        TpchGenerationResult result = await TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor, Parts = parts, MaxDegreeOfParallelism = threads, Tables = [Table] },
            (_, _) => ValueTask.FromResult<Stream>(new CountingStream()),
            (_, _, _) => ValueTask.CompletedTask);
        return result.TotalBytes;
    }
}
