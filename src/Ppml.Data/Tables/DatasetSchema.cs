using System.Text.RegularExpressions;

namespace Ppml.Data.Tables;

/// <summary>Reads a schema written as SQL column definitions: <c>id BIGINT, name VARCHAR, price DECIMAL(15,2)</c>.</summary>
public static partial class DatasetSchema
{
    /// <summary>
    /// Parses <c>col TYPE, col TYPE, ...</c> in file order. Commas inside parentheses belong to the type
    /// (<c>DECIMAL(15,2)</c>); each type must be a DuckDB type name (with optional parameters and <c>[]</c> suffixes), so
    /// nothing but a type reaches the SQL the schema is spliced into.
    /// </summary>
    /// <param name="text">The schema.</param>
    /// <param name="label">How error messages name the schema, for example the option that gave it.</param>
    /// <returns>The columns; types in upper case.</returns>
    /// <exception cref="FormatException">A column is not <c>NAME TYPE</c>, a type is not a type name, parentheses do not balance, or a name repeats (case-insensitively).</exception>
    public static IReadOnlyList<DatasetColumn> Parse(string text, string label = "Schema")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(label);
        var columns = new List<DatasetColumn>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ',';
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                columns.Add(ParseColumn(label, text[start..i].Trim()));
                start = i + 1;
            }
        }

        if (depth != 0)
        {
            throw new FormatException($"{label}='{text}': unbalanced parentheses.");
        }

        if (columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new FormatException($"{label}: column '{duplicate.Key}' is named twice.");
        }

        return columns;
    }

    /// <summary>Whether <paramref name="type"/> is a DuckDB type name as <see cref="Parse"/> accepts it (nothing else can reach generated SQL).</summary>
    internal static bool IsTypeName(string type) => TypeName().IsMatch(type);

    private static DatasetColumn ParseColumn(string label, string item)
    {
        int space = item.IndexOfAny([' ', '\t']);
        if (space <= 0)
        {
            throw new FormatException($"{label}: '{item}' must be 'COLUMN TYPE', for example 'id BIGINT'.");
        }

        string type = item[(space + 1)..].Trim();
        if (!TypeName().IsMatch(type))
        {
            throw new FormatException($"{label}: '{type}' is not a DuckDB type name such as BIGINT, DOUBLE, DECIMAL(15,2), DATE or VARCHAR.");
        }

        return new DatasetColumn(item[..space], type.ToUpperInvariant());
    }

    /// <summary>A type name with optional parameters and list suffix: <c>VARCHAR</c>, <c>DECIMAL(15, 2)</c>, <c>INTEGER[]</c>, <c>DOUBLE PRECISION</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*( ?\( *\d+ *(, *\d+ *)?\))?(\[\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
