using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml tpch run --json</c>: what was loaded and answered; <c>key</c> is set when the results were encrypted.</summary>
internal sealed record TpchRunReport(
    double ScaleFactor,
    double LoadSeconds,
    double QuerySeconds,
    IReadOnlyList<TpchRunTableReport> Tables,
    IReadOnlyList<TpchRunQueryReport> Queries,
    string? Output,
    string? Key)
{
    /// <summary>The <c>--json</c> form of <paramref name="summary"/>.</summary>
    public static TpchRunReport From(TpchRunSummary summary, string? output, string? keyName) => new(
        summary.ScaleFactor,
        summary.Load.TotalSeconds,
        summary.QueryElapsed.TotalSeconds,
        [.. summary.Tables.Select(t => new TpchRunTableReport(t.Name, t.Rows, t.Parts, t.EncryptedParts, t.Elapsed.TotalMilliseconds))],
        [.. summary.Results.Select(r => new TpchRunQueryReport(r.Query, r.Rows.Count, r.Elapsed.TotalMilliseconds))],
        output,
        keyName);
}
