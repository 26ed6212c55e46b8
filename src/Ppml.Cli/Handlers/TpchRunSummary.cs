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
}
