using Ppml.Data.IO;

namespace Ppml.Data.Tables;

/// <summary>
/// Reads tables given as text, as <c>ppml sql</c> takes them: each table <c>NAME=PATH[:FORMAT]</c> (the format defaults to
/// the path's extension, after any <c>.ppml</c>), and how it is read as <c>NAME.KEY=VALUE</c>, Spark's
/// <c>.option(key, value)</c>. Keys: <c>header</c> (true|false, CSV), <c>delimiter</c> (one character or <c>tab</c>, CSV)
/// and <c>schema</c> (<c>'col TYPE, col TYPE, ...'</c> in file order: CSV, JSON, Parquet, and required for TPC-H <c>.tbl</c>
/// unless a schema file gives it).
/// <para>PATH is a file, a directory of parts, or a file-name pattern (<c>data/lineitem/*.tbl.ppml</c>: <c>*</c> and <c>?</c> in
/// the last segment only). A table's columns and format come from a <see cref="TableSchemaFile"/> when one describes it
/// (what <c>ppml tpch gen</c> writes): PATH a dataset directory whose schema file has a table NAME (<c>lineitem=tpch/</c>),
/// or PATH a file, directory or pattern directory listed in the schema file of the directory holding it
/// (<c>lineitem=tpch/lineitem/</c>). A <c>schema</c> option overrides the file.</para>
/// </summary>
public static class TableSources
{
    private static readonly string[] s_keys = ["header", "delimiter", "schema"];

    /// <summary>Parses every table and its read options.</summary>
    /// <param name="tables">The tables, <c>NAME=PATH[:FORMAT]</c>.</param>
    /// <param name="options">The read options, <c>NAME.KEY=VALUE</c>, at most one per table and key.</param>
    /// <param name="requireEncrypted">Whether every table must be encrypted (<see cref="DatasetReadOptions.RequireEncrypted"/>).</param>
    /// <param name="resolvePath">Makes a path absolute (relative paths are the caller's: a working directory).</param>
    /// <param name="tableListName">How error messages name a table, for example a command-line option.</param>
    /// <param name="optionListName">How error messages name a read option.</param>
    /// <returns>The tables in the order given.</returns>
    /// <exception cref="FormatException">A table or an option is malformed, names an unknown table or key, does not apply to the table's format, or a <c>.tbl</c> table has no schema; the message names it and the fix.</exception>
    public static IReadOnlyList<TableSource> Parse(
        IReadOnlyList<string> tables,
        IReadOnlyList<string> options,
        bool requireEncrypted,
        Func<string, string> resolvePath,
        string tableListName = "table",
        string optionListName = "option")
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolvePath);
        var parsed = new List<TableSource>();
        var fileSchemas = new Dictionary<string, IReadOnlyList<DatasetColumn>>(StringComparer.Ordinal);
        foreach (string spec in tables)
        {
            (TableSource table, IReadOnlyList<DatasetColumn>? fileSchema) = ParseTable(spec, resolvePath, tableListName);
            if (parsed.Any(t => string.Equals(t.Name, table.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new FormatException($"{tableListName} '{spec}': a table named '{table.Name}' is already given.");
            }

            parsed.Add(table);
            if (fileSchema is not null)
            {
                fileSchemas[table.Name] = fileSchema;
            }
        }

        var given = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string spec in options)
        {
            int dot = spec.IndexOf('.', StringComparison.Ordinal);
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (dot <= 0 || equals < dot + 2)
            {
                throw new FormatException($"{optionListName} '{spec}' must look like NAME.KEY=VALUE (KEY: {string.Join(", ", s_keys)}).");
            }

            string name = spec[..dot];
            string key = spec[(dot + 1)..equals].ToLowerInvariant();
            if (!parsed.Any(t => t.Name == name))
            {
                throw new FormatException($"{optionListName} '{spec}': there is no {tableListName} named '{name}'.");
            }

            if (!s_keys.Contains(key, StringComparer.Ordinal))
            {
                throw new FormatException($"{optionListName} '{spec}': unknown option '{key}'; the options are {string.Join(", ", s_keys)}.");
            }

            Dictionary<string, string> values = given.TryGetValue(name, out Dictionary<string, string>? existing) ? existing : given[name] = new(StringComparer.Ordinal);
            if (!values.TryAdd(key, spec[(equals + 1)..]))
            {
                throw new FormatException($"{optionListName} {name}.{key} is given twice.");
            }
        }

        return [.. parsed.Select(t => t with { ReadOptions = CreateReadOptions(t, given.GetValueOrDefault(t.Name) ?? [], fileSchemas.GetValueOrDefault(t.Name), requireEncrypted, optionListName) })];
    }

    private static (TableSource Table, IReadOnlyList<DatasetColumn>? FileSchema) ParseTable(string spec, Func<string, string> resolvePath, string tableListName)
    {
        int equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == spec.Length - 1)
        {
            throw new FormatException($"{tableListName} '{spec}' must look like NAME=PATH[:FORMAT] (FORMAT: csv, json, text, parquet).");
        }

        string name = spec[..equals];
        string path = spec[(equals + 1)..];
        DatasetFormat? format = null;
        int colon = path.LastIndexOf(':');
        if (colon > 0 && DatasetFormats.TryParse(path[(colon + 1)..]) is { } explicitFormat)
        {
            format = explicitFormat;
            path = path[..colon];
        }

        path = resolvePath(path);
        if (DatasetParts.IsPattern(path) && DatasetParts.IsPattern(Path.GetDirectoryName(path) ?? string.Empty))
        {
            throw new FormatException($"{tableListName} '{spec}': '*' and '?' may appear only in the file name, not in the directories.");
        }

        // A dataset directory whose schema file names this table (lineitem=tpch/): the table is that entry.
        if (Directory.Exists(path) && TableSchemaFile.TryRead(path)?.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return (new TableSource(name, named.Path, format ?? named.Format, DatasetReadOptions.Default), named.Columns);
        }

        // A file, directory of parts or pattern listed in the schema file beside it (lineitem=tpch/lineitem/).
        TableSchemaEntry? entry = TableSchemaFile.FindFor(DatasetParts.IsPattern(path) ? Path.GetDirectoryName(path)! : path);
        format ??= DatasetFormats.Infer(path) ?? entry?.Format ?? throw new FormatException(
            $"Cannot tell the format of '{path}' from its name; add it: {tableListName} {name}=PATH:csv (csv, json, text, parquet or tbl).");
        return (new TableSource(name, path, format.Value, DatasetReadOptions.Default), entry?.Columns);
    }

    private static DatasetReadOptions CreateReadOptions(
        TableSource table, Dictionary<string, string> values, IReadOnlyList<DatasetColumn>? fileSchema, bool requireEncrypted, string optionListName)
    {
        string name = table.Name;
        bool? header = null;
        char? delimiter = null;
        IReadOnlyList<DatasetColumn>? schema = null;
        foreach ((string key, string value) in values)
        {
            if (key is "header" or "delimiter" && table.Format != DatasetFormat.Csv)
            {
                throw new FormatException($"{optionListName} {name}.{key} applies to csv tables, not {DatasetFormats.GetName(table.Format)}.");
            }

            switch (key)
            {
                case "header":
                    header = value.ToLowerInvariant() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new FormatException($"{optionListName} {name}.header='{value}': give true or false."),
                    };
                    break;
                case "delimiter":
                    delimiter = value switch
                    {
                        "tab" or "\\t" or "\t" => '\t',
                        { Length: 1 } when value[0] is not ('"' or '\n' or '\r') => value[0],
                        _ => throw new FormatException($"{optionListName} {name}.delimiter='{value}': give one character (not a quote or line break), or tab."),
                    };
                    break;
                default:
                    schema = table.Format == DatasetFormat.Text
                        ? throw new FormatException($"{optionListName} {name}.schema does not apply to text tables (one VARCHAR column 'value').")
                        : DatasetSchema.Parse(value, $"{optionListName} {name}.schema");
                    break;
            }
        }

        // Text tables have one column whatever a schema file says.
        schema ??= table.Format == DatasetFormat.Text ? null : fileSchema;
        if (table.Format == DatasetFormat.Tbl && schema is null)
        {
            throw new FormatException(
                $"'{table.Path}' is TPC-H .tbl ('|' after every field, no header) and no {TableSchemaFile.FileName} beside it describes it: give its columns with {optionListName} {name}.schema='COLUMN TYPE, ...'.");
        }

        return new DatasetReadOptions { HasHeader = header ?? true, Delimiter = delimiter ?? ',', Schema = schema, RequireEncrypted = requireEncrypted };
    }
}
