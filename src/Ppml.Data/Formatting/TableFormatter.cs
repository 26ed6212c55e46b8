using System.Text;
using Ppml.Data.Writing;

namespace Ppml.Data.Formatting;

/// <summary>Spark's <c>Dataset.showString</c> layout (minimum column width 3; cells over 20 characters cut to 17 + "...").</summary>
internal static class TableFormatter
{
    private const int MinimumWidth = 3;
    private const int TruncateAt = 20;

    public static string Format(QueryResult result, int maxRows, bool truncate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        int columns = result.Columns.Count;
        var rows = new List<string[]> { result.Columns.Select(c => Cell(c.Name, truncate)).ToArray() };
        foreach (IReadOnlyList<object?> row in result.Rows.Take(maxRows))
        {
            rows.Add(row.Select(v => Cell(v is null ? "null" : ValueText.Format(v), truncate)).ToArray());
        }

        int[] widths = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            widths[c] = Math.Max(MinimumWidth, rows.Max(r => r[c].Length));
        }

        var builder = new StringBuilder();
        string separator = "+" + string.Join("+", widths.Select(w => new string('-', w))) + "+\n";
        builder.Append(separator);
        for (int r = 0; r < rows.Count; r++)
        {
            builder.Append('|');
            for (int c = 0; c < columns; c++)
            {
                builder.Append(truncate ? rows[r][c].PadLeft(widths[c]) : rows[r][c].PadRight(widths[c])).Append('|');
            }

            builder.Append('\n');
            if (r == 0)
            {
                builder.Append(separator);
            }
        }

        builder.Append(separator);
        if (result.Rows.Count > maxRows)
        {
            builder.Append("only showing top ").Append(maxRows).Append(maxRows == 1 ? " row\n" : " rows\n");
        }

        return builder.ToString();
    }

    private static string Cell(string text, bool truncate) =>
        truncate && text.Length > TruncateAt ? text[..(TruncateAt - 3)] + "..." : text;
}
