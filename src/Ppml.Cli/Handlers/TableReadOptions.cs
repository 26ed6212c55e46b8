using System.Text.RegularExpressions;
using Ppml.Data;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>--option NAME.KEY=VALUE</c> of <c>ppml sql</c>: how one <c>--table</c> is read, as Spark's
/// <c>.option(key, value)</c>. Keys: <c>header</c> (true|false, CSV), <c>delimiter</c> (one character or <c>tab</c>, CSV)
/// and <c>schema</c> (<c>'col TYPE, col TYPE, ...'</c> in file order: CSV, JSON, Parquet, and required for TPC-H
/// <c>.tbl</c>).
/// </summary>
internal static partial class TableReadOptions
{
    private static readonly string[] s_keys = ["header", "delimiter", "schema"];

    /// <summary>The read options of every table (by name), from the <c>--option</c> values.</summary>
    public static IReadOnlyDictionary<string, DatasetReadOptions> Parse(
        IReadOnlyList<string> specs, IReadOnlyList<(string Name, string Path, DatasetFormat Format)> tables, bool requireEncrypted)
    {
        var given = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string spec in specs)
        {
            int dot = spec.IndexOf('.', StringComparison.Ordinal);
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (dot <= 0 || equals < dot + 2)
            {
                throw CliException.Usage($"--option '{spec}' must look like NAME.KEY=VALUE (KEY: {string.Join(", ", s_keys)}).");
            }

            string name = spec[..dot];
            string key = spec[(dot + 1)..equals].ToLowerInvariant();
            if (!tables.Any(t => t.Name == name))
            {
                throw CliException.Usage($"--option '{spec}': there is no --table named '{name}'.");
            }

            if (!s_keys.Contains(key, StringComparer.Ordinal))
            {
                throw CliException.Usage($"--option '{spec}': unknown option '{key}'; the options are {string.Join(", ", s_keys)}.");
            }

            Dictionary<string, string> values = given.TryGetValue(name, out Dictionary<string, string>? existing) ? existing : given[name] = new(StringComparer.Ordinal);
            if (!values.TryAdd(key, spec[(equals + 1)..]))
            {
                throw CliException.Usage($"--option {name}.{key} is given twice.");
            }
        }

        var result = new Dictionary<string, DatasetReadOptions>(StringComparer.Ordinal);
        foreach ((string name, string path, DatasetFormat format) in tables)
        {
            Dictionary<string, string> values = given.GetValueOrDefault(name) ?? [];
            result[name] = Create(name, path, format, values, requireEncrypted);
        }

        return result;
    }

    private static DatasetReadOptions Create(string name, string path, DatasetFormat format, Dictionary<string, string> values, bool requireEncrypted)
    {
        bool? header = null;
        char? delimiter = null;
        IReadOnlyList<DatasetColumn>? schema = null;
        foreach ((string key, string value) in values)
        {
            switch (key)
            {
                case "header":
                    RequireCsv(name, key, format);
                    header = value.ToLowerInvariant() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw CliException.Usage($"--option {name}.header='{value}': give true or false."),
                    };
                    break;
                case "delimiter":
                    RequireCsv(name, key, format);
                    delimiter = value switch
                    {
                        "tab" or "\\t" or "\t" => '\t',
                        { Length: 1 } when value[0] is not ('"' or '\n' or '\r') => value[0],
                        _ => throw CliException.Usage($"--option {name}.delimiter='{value}': give one character (not a quote or line break), or tab."),
                    };
                    break;
                default:
                    if (format == DatasetFormat.Text)
                    {
                        throw CliException.Usage($"--option {name}.schema does not apply to text tables (one VARCHAR column 'value').");
                    }

                    schema = ParseSchema(name, value);
                    break;
            }
        }

        if (format == DatasetFormat.Tbl && schema is null)
        {
            throw CliException.Usage(
                $"'{path}' is TPC-H .tbl ('|' after every field, no header): give its columns with --option {name}.schema='COLUMN TYPE, ...', or use 'ppml tpch run' for TPC-H tables.");
        }

        return new DatasetReadOptions
        {
            HasHeader = header ?? true,
            Delimiter = delimiter ?? ',',
            Schema = schema,
            RequireEncrypted = requireEncrypted,
        };
    }

    /// <summary>Parses <c>col TYPE, col TYPE, ...</c>; commas inside parentheses belong to the type (DECIMAL(15,2)).</summary>
    internal static IReadOnlyList<DatasetColumn> ParseSchema(string name, string text)
    {
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
                columns.Add(ParseColumn(name, text[start..i].Trim()));
                start = i + 1;
            }
        }

        if (depth != 0)
        {
            throw CliException.Usage($"--option {name}.schema='{text}': unbalanced parentheses.");
        }

        if (columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw CliException.Usage($"--option {name}.schema: column '{duplicate.Key}' is named twice.");
        }

        return columns;
    }

    private static DatasetColumn ParseColumn(string name, string item)
    {
        int space = item.IndexOfAny([' ', '\t']);
        if (space <= 0)
        {
            throw CliException.Usage($"--option {name}.schema: '{item}' must be 'COLUMN TYPE', for example 'id BIGINT'.");
        }

        string type = item[(space + 1)..].Trim();
        if (!TypeName().IsMatch(type))
        {
            throw CliException.Usage($"--option {name}.schema: '{type}' is not a DuckDB type name such as BIGINT, DOUBLE, DECIMAL(15,2), DATE or VARCHAR.");
        }

        return new DatasetColumn(item[..space], type.ToUpperInvariant());
    }

    private static void RequireCsv(string name, string key, DatasetFormat format)
    {
        if (format != DatasetFormat.Csv)
        {
            throw CliException.Usage($"--option {name}.{key} applies to csv tables, not {format.ToString().ToLowerInvariant()}.");
        }
    }

    /// <summary>A type name with optional parameters and list suffix: <c>VARCHAR</c>, <c>DECIMAL(15, 2)</c>, <c>INTEGER[]</c>, <c>DOUBLE PRECISION</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*( ?\( *\d+ *(, *\d+ *)?\))?(\[\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
