using Ppml.Core.Diagnostics;
using Ppml.Data;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="SqlWorkload.RunAsync"/> loaded and answered.</summary>
/// <param name="Tables">Each table loaded, in load order: only those the query references.</param>
/// <param name="Rows">The answer, when neither an output file nor a text writer was asked for.</param>
/// <param name="Written">The output file, when one was asked for.</param>
/// <param name="KeyName">The key an encrypted output is wrapped under; <see langword="null"/> when nothing encrypted was written.</param>
/// <param name="TextRows">The rows printed to <see cref="SqlWorkloadOptions.OutputWriter"/>, when it was used.</param>
public sealed record SqlWorkloadResult(IReadOnlyList<TableInfo> Tables, QueryResult? Rows, WriteResult? Written, string? KeyName, long? TextRows = null)
{
    /// <summary>DuckDB's effective memory limit in bytes (<see cref="PpmlContext.MemoryLimitBytes"/>).</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>The process's peak memory footprint during the run (resident set plus memory files, or its cgroup's peak).</summary>
    public FootprintReport? Footprint { get; init; }
}
