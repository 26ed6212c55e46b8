using Ppml.Data.Formatting;

namespace Ppml.Data;

/// <summary>A materialized query result: columns and rows (SQL NULL is <see langword="null"/>).</summary>
public sealed class QueryResult
{
    internal QueryResult(IReadOnlyList<QueryColumn> columns, IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The columns.</summary>
    public IReadOnlyList<QueryColumn> Columns { get; }

    /// <summary>The rows; each holds one value per column.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows { get; }

    /// <summary>
    /// Renders the result as Spark's <c>DataFrame.show()</c> does: a '+---+' framed table, cells right-aligned and cut
    /// to 20 characters, <c>null</c> for NULL, and "only showing top N rows" when rows were left out.
    /// </summary>
    /// <param name="maxRows">The most rows to show.</param>
    /// <param name="truncate">Whether to cut cells longer than 20 characters (and right-align).</param>
    /// <returns>The text, ending with a newline.</returns>
    public string ToTableString(int maxRows = 20, bool truncate = true) => TableFormatter.Format(this, maxRows, truncate);
}
