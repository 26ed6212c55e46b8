namespace Ppml.Data.Tpch;

/// <summary>The answer to one TPC-H query, with every value rendered as text.</summary>
/// <param name="Query">The query number, 1..22.</param>
/// <param name="Columns">The result's column names.</param>
/// <param name="Rows">The rows, each with one string per column (empty for NULL).</param>
/// <param name="Elapsed">Time to execute the query and read its rows.</param>
public sealed record TpchQueryResult(
    int Query,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<string>> Rows,
    TimeSpan Elapsed);
