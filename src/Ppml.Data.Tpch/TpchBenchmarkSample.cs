namespace Ppml.Data.Tpch;

/// <summary>The cost of one benchmark step: wall time and the process's CPU time (DuckDB's threads included).</summary>
/// <param name="Wall">Elapsed wall-clock time.</param>
/// <param name="Cpu">CPU time of the whole process over the step.</param>
public readonly record struct TpchBenchmarkSample(TimeSpan Wall, TimeSpan Cpu)
{
    /// <summary>The sum of two samples, for example a load and the queries after it.</summary>
    /// <param name="left">The first sample.</param>
    /// <param name="right">The second sample.</param>
    /// <returns>Wall and CPU times added.</returns>
    public static TpchBenchmarkSample operator +(TpchBenchmarkSample left, TpchBenchmarkSample right) => new(left.Wall + right.Wall, left.Cpu + right.Cpu);

    /// <summary>The sum of two samples (the named form of <c>+</c>).</summary>
    /// <param name="left">The first sample.</param>
    /// <param name="right">The second sample.</param>
    /// <returns>Wall and CPU times added.</returns>
    public static TpchBenchmarkSample Add(TpchBenchmarkSample left, TpchBenchmarkSample right) => left + right;
}
