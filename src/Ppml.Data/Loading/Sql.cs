using System.Text;

namespace Ppml.Data.Loading;

/// <summary>Quoting for identifiers and literals in generated SQL.</summary>
internal static class Sql
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Literal)) + "]";

    /// <summary>A DuckDB struct literal <c>{'name': 'TYPE', ...}</c> for the <c>columns</c> option.</summary>
    public static string Columns(IReadOnlyList<DatasetColumn> schema)
    {
        var builder = new StringBuilder("{");
        for (int i = 0; i < schema.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(Literal(schema[i].Name)).Append(": ").Append(Literal(schema[i].SqlType));
        }

        return builder.Append('}').ToString();
    }
}
