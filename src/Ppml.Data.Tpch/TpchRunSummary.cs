using System.Globalization;

namespace Ppml.Data.Tpch;

/// <summary>What a TPC-H run (<see cref="TpchDataset.LoadAndRunAsync"/>) loaded and answered.</summary>
/// <param name="Tables">Each loaded table, in load order.</param>
/// <param name="ScaleFactor">The scale factor the queries ran with.</param>
/// <param name="Load">Time to register every table.</param>
/// <param name="Results">One answer per query, in the order run.</param>
/// <param name="QueryElapsed">Time to run every query.</param>
public sealed record TpchRunSummary(
    IReadOnlyList<TableInfo> Tables, double ScaleFactor, TimeSpan Load, IReadOnlyList<TpchQueryResult> Results, TimeSpan QueryElapsed)
{
    /// <summary>The tables whose every part was encrypted.</summary>
    public int EncryptedTables => Tables.Count(t => t.EncryptedParts == t.Parts);

    /// <summary>One line: queries, time, tables, rows and how many tables were encrypted.</summary>
    /// <returns>For example <c>TPC-H SF 0.01: 22 queries in 0.512 s; loaded 8 tables (86,805 rows, 8 of 8 encrypted) in 0.301 s</c>.</returns>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"TPC-H SF {ScaleFactor}: {Results.Count} quer{(Results.Count == 1 ? "y" : "ies")} in {QueryElapsed.TotalSeconds:0.000} s; " +
        $"loaded {Tables.Count} tables ({Tables.Sum(t => t.Rows):N0} rows, {EncryptedTables} of {Tables.Count} encrypted) in {Load.TotalSeconds:0.000} s");
}
