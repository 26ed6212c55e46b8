using Ppml.Core.Diagnostics;
using Ppml.Workloads.Data;

namespace Ppml.Cli.Tpch;

/// <summary>
/// <c>ppml tpch run --json</c>: what was loaded and answered; <c>key</c> is set when the results were encrypted;
/// <c>memoryLimitBytes</c> is DuckDB's effective limit and <c>footprint</c> the process's peak (bytes and method).
/// </summary>
internal sealed record TpchRunReport(
    double ScaleFactor,
    double LoadSeconds,
    double QuerySeconds,
    IReadOnlyList<TpchRunTableReport> Tables,
    IReadOnlyList<TpchRunQueryReport> Queries,
    string? Output,
    string? Key,
    long MemoryLimitBytes,
    FootprintReport? Footprint)
{
    /// <summary>The <c>--json</c> form of <paramref name="result"/>.</summary>
    public static TpchRunReport From(TpchRunResult result) => new(
        result.Summary.ScaleFactor,
        result.Summary.Load.TotalSeconds,
        result.Summary.QueryElapsed.TotalSeconds,
        [.. result.Summary.Tables.Select(t => new TpchRunTableReport(t.Name, t.Rows, t.Parts, t.EncryptedParts, t.Elapsed.TotalMilliseconds))],
        [.. result.Summary.Results.Select(r => new TpchRunQueryReport(r.Query, r.Rows.Count, r.Elapsed.TotalMilliseconds))],
        result.Output,
        result.KeyName,
        result.MemoryLimitBytes,
        result.Footprint);
}
