using BenchmarkDotNet.Attributes;
using Ppml.Learning.Kernels;

namespace Ppml.Benchmarks.Learning;

/// <summary>
/// Square single-precision GEMM, C = A·B. GFLOP/s = 2·N³ / mean time. The machine's peak is in docs/learning.md
/// (cores × GHz × 32 FLOP/cycle for AVX2 with two FMA pipes).
/// </summary>
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(256, 512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[Size * Size];
    }

    [Benchmark(Baseline = true)]
    public float SingleThread()
    {
        Gemm.Multiply(false, false, Size, Size, Size, _a, Size, _b, Size, _c, Size, accumulate: false, allowParallel: false);
        return _c[^1];
    }

    [Benchmark]
    public float MultiThread()
    {
        Gemm.Multiply(false, false, Size, Size, Size, _a, Size, _b, Size, _c, Size, accumulate: false, allowParallel: true);
        return _c[^1];
    }

    [Benchmark]
    public float MultiThreadTransposedB()
    {
        Gemm.Multiply(false, true, Size, Size, Size, _a, Size, _b, Size, _c, Size, accumulate: false, allowParallel: true);
        return _c[^1];
    }

    [Benchmark]
    public float ScalarKernel()
    {
        Gemm.Multiply(false, false, Size, Size, Size, _a, Size, _b, Size, _c, Size, accumulate: false, allowParallel: true, GemmKernel.Scalar);
        return _c[^1];
    }
}
