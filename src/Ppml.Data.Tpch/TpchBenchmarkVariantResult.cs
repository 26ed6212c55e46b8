using Ppml.Core.Diagnostics;

namespace Ppml.Data.Tpch;

/// <summary>What one run of one benchmark variant measured, in the process that ran it.</summary>
/// <param name="Variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
/// <param name="ProcessId">The process that loaded the database and ran the queries.</param>
/// <param name="Load">Creating the database and loading the eight tables: wall and process CPU time.</param>
/// <param name="Queries">Each query, in the order run.</param>
/// <param name="Footprint">The process's peak memory footprint over the run and how it was measured.</param>
/// <param name="MemoryLimitBytes">DuckDB's effective memory limit, read back from DuckDB.</param>
public sealed record TpchBenchmarkVariantResult(
    string Variant,
    int ProcessId,
    TpchBenchmarkSample Load,
    IReadOnlyList<TpchBenchmarkQuerySample> Queries,
    FootprintReport Footprint,
    long MemoryLimitBytes)
{
    /// <summary>The load and the queries, summed.</summary>
    public TpchBenchmarkSample Total => Queries.Aggregate(Load, (sum, query) => sum + query.Sample);
}
