using Ppml.Core;
using Ppml.Core.Diagnostics;

namespace Ppml.Cli.Output;

/// <summary>The stderr line a workload ends with: DuckDB's memory limit and the peak footprint, with how it was measured.</summary>
internal static class MemoryLine
{
    public static string Describe(long memoryLimitBytes, FootprintReport? footprint) =>
        $"ppml: memory limit {ByteSize.Format(memoryLimitBytes)}; peak footprint {(footprint is null ? "unknown" : $"{ByteSize.Format(footprint.PeakBytes)} ({footprint.Method})")}";
}
