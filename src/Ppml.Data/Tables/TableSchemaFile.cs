using System.Text;
using System.Text.Json;
using Ppml.Core.IO;

namespace Ppml.Data.Tables;

/// <summary>
/// The schema file of a dataset directory (<c>_ppml_schema.json</c>, docs/formats/table-schema-v1.md): which tables the
/// directory holds, where each is (a file, a directory of parts), its format and its columns, so that a reader needs no
/// hand-typed schema. <c>ppml tpch gen</c> writes one; <see cref="TableSources.Parse"/> reads it. The name starts with
/// '_' so that a directory read as a table never takes it for a part.
/// </summary>
/// <remarks>
/// The file is read from untrusted storage like the data beside it: it only says how to parse the parts (which are
/// authenticated on their own); a path that is absolute or leaves the directory, an unknown format, a type that is
/// not a DuckDB type name or any malformed field is refused with a <see cref="FormatException"/> naming the file.
/// </remarks>
public static class TableSchemaFile
{
    /// <summary>The file name: <c>_ppml_schema.json</c>.</summary>
    public const string FileName = "_ppml_schema.json";

    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string FormatName = "ppml-table-schema";

    /// <summary>The version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Files larger than this are refused (a TPC-H schema is about 4 KB).</summary>
    private const int MaxBytes = 1 << 20;

    /// <summary>Writes (atomically replaces) the schema file of <paramref name="directory"/>.</summary>
    /// <param name="directory">The dataset directory; it must exist.</param>
    /// <param name="tables">The tables; each <see cref="TableSchemaEntry.Path"/> relative to <paramref name="directory"/>.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left behind.</param>
    /// <returns>The path of the file written.</returns>
    /// <exception cref="ArgumentException">A table's path is absolute or leaves the directory, or two tables share a name.</exception>
    public static async Task<string> WriteAsync(string directory, IReadOnlyList<TableSchemaEntry> tables, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tables);
        foreach (TableSchemaEntry table in tables)
        {
            if (!IsContained(table.Path))
            {
                throw new ArgumentException($"Table '{table.Name}': path '{table.Path}' must be relative to the dataset directory and stay inside it.", nameof(tables));
            }
        }

        if (tables.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Table '{duplicate.Key}' is named twice.", nameof(tables));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", Version);
            json.WriteStartArray("tables");
            foreach (TableSchemaEntry table in tables)
            {
                json.WriteStartObject();
                json.WriteString("name", table.Name);
                json.WriteString("path", table.Path.Replace('\\', '/'));
                json.WriteString("format", DatasetFormats.GetName(table.Format));
                json.WriteStartArray("columns");
                foreach (DatasetColumn column in table.Columns)
                {
                    json.WriteStartObject();
                    json.WriteString("name", column.Name);
                    json.WriteString("type", column.SqlType);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        string path = Path.Combine(Path.GetFullPath(directory), FileName);
        await AtomicFile.WriteAllBytesAsync(path, buffer.ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Reads the schema file of <paramref name="directory"/>, if it has one.</summary>
    /// <param name="directory">The dataset directory.</param>
    /// <returns>The tables (paths made absolute), or <see langword="null"/> when the directory has no schema file.</returns>
    /// <exception cref="FormatException">The file is not a valid schema file; the message names it and the field.</exception>
    public static IReadOnlyList<TableSchemaEntry>? TryRead(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string root = Path.GetFullPath(directory);
        string path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > MaxBytes)
            {
                throw new FormatException($"Schema file '{path}' is {stream.Length} bytes; a schema file is at most {MaxBytes} bytes.");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            return Parse(document.RootElement, root, path);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"Schema file '{path}' is not valid JSON (line {exception.LineNumber + 1}).", exception);
        }
    }

    /// <summary>
    /// Finds the schema of the table at <paramref name="tablePath"/> (a file, a directory of parts, or a directory holding
    /// a file-name pattern): the entry whose path is <paramref name="tablePath"/> in the schema file of the directory that
    /// holds it.
    /// </summary>
    /// <param name="tablePath">The table's absolute path (for a pattern, the directory the pattern is in).</param>
    /// <returns>The entry, or <see langword="null"/> when no schema file describes that path.</returns>
    /// <exception cref="FormatException">The schema file there is not valid.</exception>
    public static TableSchemaEntry? FindFor(string tablePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(tablePath);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(tablePath));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || TryRead(parent) is not { } tables)
        {
            return null;
        }

        return tables.FirstOrDefault(t => string.Equals(Path.TrimEndingDirectorySeparator(t.Path), full, StringComparison.Ordinal));
    }

    private static List<TableSchemaEntry> Parse(JsonElement root, string directory, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "the top level must be an object");
        }

        if (String(root, "format", path, "the file") != FormatName)
        {
            throw Invalid(path, $"'format' must be \"{FormatName}\"");
        }

        if (!root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number))
        {
            throw Invalid(path, "'version' must be a number");
        }

        if (number != Version)
        {
            throw Invalid(path, $"version {number} is not supported (this version of ppml reads version {Version})");
        }

        if (!root.TryGetProperty("tables", out JsonElement tables) || tables.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, "'tables' must be an array");
        }

        var entries = new List<TableSchemaEntry>();
        foreach (JsonElement table in tables.EnumerateArray())
        {
            if (table.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "each table must be an object");
            }

            string name = String(table, "name", path, "a table");
            string where = $"table '{name}'";
            string relative = String(table, "path", path, where);
            if (!IsContained(relative))
            {
                throw Invalid(path, $"{where}: path '{relative}' must be relative and stay inside the directory");
            }

            string formatName = String(table, "format", path, where);
            DatasetFormat format = DatasetFormats.TryParse(formatName)
                ?? throw Invalid(path, $"{where}: format '{formatName}' is not one of csv, json, text, parquet, tbl");
            if (!table.TryGetProperty("columns", out JsonElement columns) || columns.ValueKind != JsonValueKind.Array || columns.GetArrayLength() == 0)
            {
                throw Invalid(path, $"{where}: 'columns' must be a non-empty array");
            }

            var definition = new StringBuilder();
            foreach (JsonElement column in columns.EnumerateArray())
            {
                if (column.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(path, $"{where}: each column must be an object with 'name' and 'type'");
                }

                string columnName = String(column, "name", path, where);
                if (columnName.AsSpan().IndexOfAny([' ', '\t', ',', '(', ')']) >= 0)
                {
                    throw Invalid(path, $"{where}: column name '{columnName}' may not contain spaces, commas or parentheses");
                }

                definition.Append(definition.Length == 0 ? string.Empty : ", ").Append(columnName).Append(' ').Append(String(column, "type", path, where));
            }

            IReadOnlyList<DatasetColumn> parsed = DatasetSchema.Parse(definition.ToString(), $"Schema file '{path}', {where}");
            entries.Add(new TableSchemaEntry(name, Locate(Path.GetFullPath(Path.Combine(directory, relative))), format, parsed));
        }

        if (entries.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw Invalid(path, $"table '{duplicate.Key}' is named twice");
        }

        return entries;
    }

    /// <summary>
    /// The table's file as it is now: a tree passed through <c>ppml encrypt</c> or <c>ppml decrypt</c> keeps its schema file
    /// while <c>.ppml</c> is added to or removed from each file name.
    /// </summary>
    private static string Locate(string path)
    {
        const string Container = Ppml.Core.PpmlFileNames.ContainerExtension;
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        if (File.Exists(path + Container))
        {
            return path + Container;
        }

        return path.EndsWith(Container, StringComparison.Ordinal) && File.Exists(path[..^Container.Length]) ? path[..^Container.Length] : path;
    }

    private static string String(JsonElement element, string property, string path, string where) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(path, $"{where}: '{property}' must be a non-empty string");

    /// <summary>Whether <paramref name="relative"/> is a relative path that stays inside its directory (no '..' segment).</summary>
    private static bool IsContained(string relative) =>
        !string.IsNullOrEmpty(relative)
        && !Path.IsPathRooted(relative)
        && relative.Split('/', '\\').All(segment => segment is not (".." or ""));

    private static FormatException Invalid(string path, string reason) => new($"Schema file '{path}': {reason}.");
}

/// <summary>One table of a <see cref="TableSchemaFile"/>.</summary>
/// <param name="Name">The table's SQL name.</param>
/// <param name="Path">Where it is: relative to the dataset directory when written; absolute when read.</param>
/// <param name="Format">The format of its parts.</param>
/// <param name="Columns">Its columns in file order.</param>
public sealed record TableSchemaEntry(string Name, string Path, DatasetFormat Format, IReadOnlyList<DatasetColumn> Columns);
