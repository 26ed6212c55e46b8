using System.Globalization;
using Ppml.Data;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>What a TPC-H run loaded and answered.</summary>
internal sealed record TpchRunSummary(
    IReadOnlyList<TableInfo> Tables, double ScaleFactor, TimeSpan Load, IReadOnlyList<TpchQueryResult> Results, TimeSpan QueryElapsed)
{
    public int EncryptedTables => Tables.Count(t => t.EncryptedParts == t.Parts);

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"TPC-H SF {ScaleFactor}: {Results.Count} quer{(Results.Count == 1 ? "y" : "ies")} in {QueryElapsed.TotalSeconds:0.000} s; " +
        $"loaded {Tables.Count} tables ({Tables.Sum(t => t.Rows):N0} rows, {EncryptedTables} of {Tables.Count} encrypted) in {Load.TotalSeconds:0.000} s");

    /// <summary>The <c>--json</c> form of the run.</summary>
    public TpchRunReport ToReport(string? output, string? keyName) => new(
        ScaleFactor,
        Load.TotalSeconds,
        QueryElapsed.TotalSeconds,
        [.. Tables.Select(t => new TpchRunTableReport(t.Name, t.Rows, t.Parts, t.EncryptedParts, t.Elapsed.TotalMilliseconds))],
        [.. Results.Select(r => new TpchRunQueryReport(r.Query, r.Rows.Count, r.Elapsed.TotalMilliseconds))],
        output,
        keyName);
}

/// <summary><c>ppml tpch run --json</c>: what was loaded and answered; <c>key</c> is set when the results were encrypted.</summary>
internal sealed record TpchRunReport(
    double ScaleFactor,
    double LoadSeconds,
    double QuerySeconds,
    IReadOnlyList<TpchRunTableReport> Tables,
    IReadOnlyList<TpchRunQueryReport> Queries,
    string? Output,
    string? Key);

/// <summary>One loaded table of <see cref="TpchRunReport"/>.</summary>
internal sealed record TpchRunTableReport(string Name, long Rows, int Parts, int EncryptedParts, double Milliseconds);

/// <summary>One answered query of <see cref="TpchRunReport"/>.</summary>
internal sealed record TpchRunQueryReport(int Query, int Rows, double Milliseconds);
