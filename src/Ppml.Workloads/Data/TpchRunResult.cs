using Ppml.Core.Diagnostics;
using Ppml.Data.Tpch;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="TpchWorkload.RunAsync"/> loaded, answered and wrote.</summary>
/// <param name="Summary">The tables loaded and the answers.</param>
/// <param name="Output">The directory of answers; <see langword="null"/> when none was written.</param>
/// <param name="KeyName">The key the answers are encrypted under; <see langword="null"/> when they are plain or not written.</param>
public sealed record TpchRunResult(TpchRunSummary Summary, string? Output, string? KeyName)
{
    /// <summary>DuckDB's effective memory limit in bytes (<see cref="Ppml.Data.PpmlContext.MemoryLimitBytes"/>).</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>The process's peak memory footprint during the run (resident set plus memory files, or its cgroup's peak).</summary>
    public FootprintReport? Footprint { get; init; }

    /// <summary>One line: the run (<see cref="TpchRunSummary.Describe"/>) and where the answers went.</summary>
    /// <returns>For example <c>TPC-H SF 0.01: 22 queries in 0.512 s; ...; results encrypted with key 'primary' in /data/out</c>.</returns>
    public string Describe() =>
        Summary.Describe() + (Output is null ? string.Empty : KeyName is null ? $"; results in {Output}" : $"; results encrypted with key '{KeyName}' in {Output}");
}
