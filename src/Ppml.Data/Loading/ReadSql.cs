using System.Globalization;
using System.Text;

namespace Ppml.Data.Loading;

/// <summary>The DuckDB <c>SELECT</c> that reads a list of files in a format.</summary>
internal static class ReadSql
{
    public static string Select(DatasetFormat format, IReadOnlyList<string> files, DatasetReadOptions options) => format switch
    {
        DatasetFormat.Csv => Csv(files, options),
        DatasetFormat.Tbl => Tbl(files, options),
        DatasetFormat.Json => Json(files, options),
        DatasetFormat.Text => Text(files),
        DatasetFormat.Parquet => "SELECT * FROM read_parquet(" + Sql.List(files) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown dataset format."),
    };

    private static string Csv(IReadOnlyList<string> files, DatasetReadOptions options)
    {
        // The dialect is fixed (delimiter, quote, header, no skipped rows, strict): only types are detected, so a malformed
        // row is an error instead of steering the sniffer into a dialect that drops rows.
        var builder = new StringBuilder("SELECT * FROM read_csv(").Append(Sql.List(files));
        builder.Append(", header = ").Append(options.HasHeader ? "true" : "false");
        builder.Append(", delim = ").Append(Sql.Literal(options.Delimiter.ToString()));
        builder.Append(", quote = '\"', escape = '\"', skip = 0, strict_mode = true, null_padding = false");
        if (options.Schema is { } schema)
        {
            builder.Append(", auto_detect = false, columns = ").Append(Sql.Columns(schema));
        }

        return builder.Append(')').ToString();
    }

    private static string Tbl(IReadOnlyList<string> files, DatasetReadOptions options)
    {
        IReadOnlyList<DatasetColumn> schema = options.Schema
            ?? throw new DatasetException("TPC-H .tbl datasets need a schema (DatasetReadOptions.Schema): the files have no header.");

        // dbgen ends every row with '|'; DuckDB accepts the trailing delimiter when the columns are given.
        return "SELECT * FROM read_csv(" + Sql.List(files)
            + ", header = false, delim = '|', quote = '', escape = '', skip = 0, strict_mode = true, null_padding = false, auto_detect = false, columns = "
            + Sql.Columns(schema) + ")";
    }

    private static string Json(IReadOnlyList<string> files, DatasetReadOptions options)
    {
        var builder = new StringBuilder("SELECT * FROM read_json(").Append(Sql.List(files)).Append(", format = 'auto', records = true");
        if (options.Schema is { } schema)
        {
            builder.Append(", columns = ").Append(Sql.Columns(schema));
        }

        return builder.Append(')').ToString();
    }

    private static string Text(IReadOnlyList<string> files)
    {
        // One row per line: '\n' separated, a trailing '\r' removed, no row after a final newline (Spark's text reader).
        const string Content = "CASE WHEN ends_with(content, chr(10)) THEN left(content, length(content) - 1) ELSE content END";
        var builder = new StringBuilder("SELECT CASE WHEN ends_with(value, chr(13)) THEN left(value, length(value) - 1) ELSE value END AS value FROM (");
        for (int i = 0; i < files.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(" UNION ALL ");
            }

            builder.Append(CultureInfo.InvariantCulture, $"SELECT {i} AS part, unnest(lines) AS value, generate_subscripts(lines, 1) AS line FROM (SELECT string_split({Content}, chr(10)) AS lines FROM read_text(")
                .Append(Sql.Literal(files[i]))
                .Append(") WHERE content <> '')");
        }

        return builder.Append(") ORDER BY part, line").ToString();
    }
}
