using System.Text.Json;
using DuckDB.NET.Data;

namespace Ppml.Data.Loading;

/// <summary>
/// What a query needs before any data is loaded: whether it parses, and which tables it names. DuckDB parses it
/// (<c>json_serialize_sql</c>) and every base-table reference of its syntax tree is collected, in subqueries and CTEs too.
/// </summary>
internal static class QueryTables
{
    /// <summary>Parses <paramref name="sql"/>.</summary>
    /// <returns>
    /// <see cref="Analysis.IsSyntaxError"/> when it does not parse; otherwise the statement count and the table names it
    /// references (case as written), or <see langword="null"/> names for a statement DuckDB cannot serialize (anything but
    /// SELECT, for example DESCRIBE or SHOW TABLES): then every declared table may be needed.
    /// </returns>
    public static async Task<Analysis> AnalyzeAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        object? value = await DuckDb.ScalarAsync(connection, "SELECT json_serialize_sql(" + Sql.Literal(sql) + ")", cancellationToken).ConfigureAwait(false);
        using JsonDocument document = JsonDocument.Parse(value as string ?? "{}");
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.True)
        {
            bool isSyntax = root.TryGetProperty("error_type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "parser";
            return new Analysis(isSyntax, Statements: 0, Tables: null, IsQualified: false);
        }

        if (!root.TryGetProperty("statements", out JsonElement statements) || statements.ValueKind != JsonValueKind.Array)
        {
            return new Analysis(IsSyntaxError: false, Statements: 0, Tables: null, IsQualified: false);
        }

        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        bool qualified = false;
        bool listsTables = false;
        Collect(statements, tables, ref qualified, ref listsTables);

        // SHOW TABLES (a SHOW_REF without a query) lists every table: all declared ones are needed.
        return new Analysis(IsSyntaxError: false, statements.GetArrayLength(), listsTables ? null : tables, qualified);
    }

    /// <summary>Adds the name of every <c>BASE_TABLE</c> reference under <paramref name="element"/>; notes whether one names a schema or catalog.</summary>
    private static void Collect(JsonElement element, HashSet<string> tables, ref bool qualified, ref bool listsTables)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "BASE_TABLE"
                    && element.TryGetProperty("table_name", out JsonElement name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } table)
                {
                    tables.Add(table);
                    qualified |= IsSet(element, "schema_name") || IsSet(element, "catalog_name");
                }

                if (type.ValueKind == JsonValueKind.String && type.GetString() == "SHOW_REF"
                    && (!element.TryGetProperty("query", out JsonElement shown) || shown.ValueKind == JsonValueKind.Null))
                {
                    listsTables = true;
                }

                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Collect(property.Value, tables, ref qualified, ref listsTables);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Collect(item, tables, ref qualified, ref listsTables);
                }

                break;
        }
    }

    private static bool IsSet(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 };

    /// <summary>The outcome of <see cref="AnalyzeAsync"/>.</summary>
    /// <param name="IsSyntaxError">The SQL does not parse.</param>
    /// <param name="Statements">How many statements it holds (0 when unknown).</param>
    /// <param name="Tables">The table names it references; <see langword="null"/> when unknown.</param>
    /// <param name="IsQualified">A reference names a schema or catalog (<c>main.nation</c>): empty temporary tables cannot stand in for it.</param>
    internal sealed record Analysis(bool IsSyntaxError, int Statements, IReadOnlySet<string>? Tables, bool IsQualified);
}
