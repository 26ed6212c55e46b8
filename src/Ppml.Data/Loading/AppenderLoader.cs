using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using ParquetSharp;
using Ppml.Data.IO;
using Ppml.Data.Parquet;
using Ppml.Kms;

namespace Ppml.Data.Loading;

/// <summary>
/// The portable load path, for runtimes without memory files: parts are decrypted as streams and parsed in .NET, and
/// rows go into DuckDB through its appender — into a staging table of text (CSV, .tbl, JSON) whose types are then
/// detected or cast in SQL, or straight into a typed table (text lines, Parquet). Slower than the memory-file path but
/// equally free of temporary files. Type detection follows DuckDB's candidates (BOOLEAN, BIGINT, DOUBLE, DATE,
/// TIMESTAMP, else VARCHAR); nested JSON becomes DuckDB STRUCT/LIST as <c>read_json</c> makes it.
/// </summary>
internal static class AppenderLoader
{
    private const string Stage = "__ppml_stage";
    private static readonly string[] Candidates = ["BOOLEAN", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP"];

    public static async Task LoadAsync(
        DuckDBConnection connection,
        IKeyManagementService kms,
        string table,
        string datasetPath,
        IReadOnlyList<DatasetPart> parts,
        DatasetFormat format,
        DatasetReadOptions options,
        CancellationToken cancellationToken)
    {
        try
        {
            switch (format)
            {
                case DatasetFormat.Text:
                    await LoadTextAsync(connection, kms, table, parts, cancellationToken).ConfigureAwait(false);
                    break;
                case DatasetFormat.Csv:
                case DatasetFormat.Tbl:
                    await LoadDelimitedAsync(connection, kms, table, datasetPath, parts, format, options, cancellationToken).ConfigureAwait(false);
                    break;
                case DatasetFormat.Json:
                    await LoadJsonAsync(connection, kms, table, datasetPath, parts, options, cancellationToken).ConfigureAwait(false);
                    break;
                case DatasetFormat.Parquet:
                    await LoadParquetAsync(connection, kms, table, datasetPath, parts, options, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown dataset format.");
            }
        }
        catch (DuckDBException exception)
        {
            throw MemoryFileLoader.Failure(datasetPath, null, null, DuckDbErrors.LoadReason(exception.Message), exception);
        }
        finally
        {
            await DuckDb.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Stage}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task LoadTextAsync(DuckDBConnection connection, IKeyManagementService kms, string table, IReadOnlyList<DatasetPart> parts, CancellationToken cancellationToken)
    {
        await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Stage} (value VARCHAR)", cancellationToken).ConfigureAwait(false);
        foreach (DatasetPart part in parts)
        {
            await WithTextAsync(kms, part, reader =>
            {
                using DuckDBAppender appender = connection.CreateAppender(Stage);
                foreach (string line in Lines(reader))
                {
                    appender.CreateRow().AppendValue(line).EndRow();
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS SELECT * FROM {Stage}", cancellationToken).ConfigureAwait(false);
    }

    private static async Task LoadDelimitedAsync(
        DuckDBConnection connection,
        IKeyManagementService kms,
        string table,
        string datasetPath,
        IReadOnlyList<DatasetPart> parts,
        DatasetFormat format,
        DatasetReadOptions options,
        CancellationToken cancellationToken)
    {
        bool isTbl = format == DatasetFormat.Tbl;
        if (isTbl && options.Schema is null)
        {
            throw new DatasetException("TPC-H .tbl datasets need a schema (DatasetReadOptions.Schema): the files have no header.");
        }

        char delimiter = isTbl ? '|' : options.Delimiter;
        char? quote = isTbl ? null : '"';
        bool hasHeader = !isTbl && options.HasHeader;
        List<string>? names = options.Schema?.Select(c => c.Name).ToList();
        bool staged = false;
        foreach (DatasetPart part in parts)
        {
            await WithTextAsync(kms, part, reader =>
            {
                var parser = new DelimitedTextParser(reader, delimiter, quote);
                var fields = new List<string?>();
                DuckDBAppender? appender = null;
                try
                {
                    bool first = true;
                    while (ReadRecord(parser, fields, part, out long line))
                    {
                        if (isTbl && fields.Count > 1 && fields[^1] is null)
                        {
                            fields.RemoveAt(fields.Count - 1);
                        }

                        if (first && hasHeader)
                        {
                            first = false;
                            names ??= fields.Select((f, i) => string.IsNullOrEmpty(f) ? $"column{i}" : f).ToList();
                            continue;
                        }

                        first = false;
                        if (fields.Count == 1 && fields[0] is null && (names is null || names.Count > 1))
                        {
                            continue;
                        }

                        names ??= Enumerable.Range(0, fields.Count).Select(i => $"column{i}").ToList();
                        if (!staged)
                        {
                            string columns = string.Join(", ", Enumerable.Range(0, names.Count).Select(i => $"c{i} VARCHAR"));
                            Execute(connection, $"CREATE OR REPLACE TABLE {Stage} (__part INTEGER, __line BIGINT, {columns})");
                            staged = true;
                        }

                        if (fields.Count != names.Count)
                        {
                            throw MemoryFileLoader.Failure(datasetPath, part.Path, line, $"expected {names.Count} fields, found {fields.Count}", null);
                        }

                        appender ??= connection.CreateAppender(Stage);
                        IDuckDBAppenderRow row = appender.CreateRow().AppendValue(part.Index).AppendValue(line);
                        foreach (string? field in fields)
                        {
                            row = field is null ? row.AppendNullValue() : row.AppendValue(field);
                        }

                        row.EndRow();
                    }
                }
                finally
                {
                    appender?.Dispose();
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        names ??= options.Schema?.Select(c => c.Name).ToList() ?? [];
        if (!staged)
        {
            string columns = string.Join(", ", Enumerable.Range(0, names.Count).Select(i => $"c{i} VARCHAR"));
            await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Stage} (__part INTEGER, __line BIGINT{(columns.Length > 0 ? ", " + columns : string.Empty)})", cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> types = options.Schema is { } schema
            ? schema.Select(c => c.SqlType).ToList()
            : await DetectTypesAsync(connection, names.Count, cancellationToken).ConfigureAwait(false);
        await CastIntoAsync(connection, table, datasetPath, parts, names, types, cancellationToken).ConfigureAwait(false);
    }

    private static bool ReadRecord(DelimitedTextParser parser, List<string?> fields, DatasetPart part, out long line)
    {
        try
        {
            return parser.TryReadRecord(fields, out line);
        }
        catch (DatasetException exception) when (exception.Line is long at)
        {
            throw new DatasetException($"Part '{part.Path}', line {at}: a quoted field is not terminated.", part.Path, at, exception);
        }
    }

    private static async Task<IReadOnlyList<string>> DetectTypesAsync(DuckDBConnection connection, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        // One pass: for every column and candidate, whether every non-null value converts. Booleans must be spelled
        // true/false (as DuckDB's sniffer requires), not 0/1.
        var checks = new List<string>();
        for (int i = 0; i < count; i++)
        {
            checks.Add($"bool_and(c{i} IS NULL OR lower(c{i}) IN ('true', 'false'))");
            // TRY_CAST('0.25' AS BIGINT) rounds instead of failing, so integers must also look like integers.
            checks.Add($"bool_and(c{i} IS NULL OR (regexp_full_match(c{i}, '\\s*[-+]?[0-9]+\\s*') AND TRY_CAST(c{i} AS BIGINT) IS NOT NULL))");
            checks.AddRange(Candidates.Skip(2).Select(type => $"bool_and(c{i} IS NULL OR TRY_CAST(c{i} AS {type}) IS NOT NULL)"));
            checks.Add($"count(c{i}) > 0");
        }

        return await Task.Run(
            () =>
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {string.Join(", ", checks)} FROM {Stage}";
                using DuckDBDataReader reader = command.ExecuteReader();
                reader.Read();
                var types = new string[count];
                int stride = Candidates.Length + 1;
                for (int i = 0; i < count; i++)
                {
                    bool hasValues = !reader.IsDBNull((i * stride) + Candidates.Length) && reader.GetBoolean((i * stride) + Candidates.Length);
                    types[i] = "VARCHAR";
                    for (int k = 0; hasValues && k < Candidates.Length; k++)
                    {
                        if (!reader.IsDBNull((i * stride) + k) && reader.GetBoolean((i * stride) + k))
                        {
                            types[i] = Candidates[k];
                            break;
                        }
                    }
                }

                return (IReadOnlyList<string>)types;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task CastIntoAsync(
        DuckDBConnection connection, string table, string datasetPath, IReadOnlyList<DatasetPart> parts, List<string> names, IReadOnlyList<string> types, CancellationToken cancellationToken)
    {
        string select = string.Join(", ", names.Select((name, i) => $"CAST(c{i} AS {types[i]}) AS {Sql.Identifier(name)}"));
        try
        {
            await DuckDb.ExecuteAsync(
                connection,
                $"CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS SELECT {(select.Length > 0 ? select : "NULL AS empty")} FROM {Stage} ORDER BY __part, __line",
                cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            // Find the first value that does not convert, to name its part and line (not the value).
            for (int i = 0; i < names.Count; i++)
            {
                object? found = await DuckDb.ScalarAsync(
                    connection,
                    $"SELECT __part || ':' || __line FROM {Stage} WHERE c{i} IS NOT NULL AND TRY_CAST(c{i} AS {types[i]}) IS NULL ORDER BY __part, __line LIMIT 1",
                    cancellationToken).ConfigureAwait(false);
                if (found is string location)
                {
                    string[] pieces = location.Split(':');
                    DatasetPart part = parts[int.Parse(pieces[0], CultureInfo.InvariantCulture)];
                    long line = long.Parse(pieces[1], CultureInfo.InvariantCulture);
                    throw MemoryFileLoader.Failure(datasetPath, part.Path, line, $"a value of column '{names[i]}' is not a valid {types[i]}", exception);
                }
            }

            throw;
        }
    }

    private static async Task LoadJsonAsync(
        DuckDBConnection connection, IKeyManagementService kms, string table, string datasetPath, IReadOnlyList<DatasetPart> parts, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Stage} (__part INTEGER, __line BIGINT, j VARCHAR)", cancellationToken).ConfigureAwait(false);
        foreach (DatasetPart part in parts)
        {
            await WithTextAsync(kms, part, reader =>
            {
                using DuckDBAppender appender = connection.CreateAppender(Stage);
                foreach ((long line, string record) in JsonRecords(reader, part))
                {
                    appender.CreateRow().AppendValue(part.Index).AppendValue(line).AppendValue(record).EndRow();
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        string structure;
        string transform;
        if (options.Schema is { } schema)
        {
            var json = new JsonObject();
            foreach (DatasetColumn column in schema)
            {
                json[column.Name] = column.SqlType;
            }

            structure = json.ToJsonString();
            transform = "json_transform_strict";
        }
        else
        {
            object? detected = await DuckDb.ScalarAsync(connection, $"SELECT json_group_structure(j::JSON) FROM {Stage}", cancellationToken).ConfigureAwait(false);
            if (detected is not string text || JsonNode.Parse(text) is not JsonObject shape || shape.Count == 0)
            {
                throw MemoryFileLoader.Failure(datasetPath, null, null, "no JSON records with fields", null);
            }

            structure = Normalize(shape).ToJsonString();
            transform = "json_transform";
        }

        await DuckDb.ExecuteAsync(
            connection,
            $"CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS SELECT unnest({transform}(j, {Sql.Literal(structure)})) FROM {Stage} ORDER BY __part, __line",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Maps json_structure's types to read_json's: unsigned integers are BIGINT, all-null fields VARCHAR.</summary>
    private static JsonNode Normalize(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Normalize(p.Value!)))),
        JsonArray array => new JsonArray(array.Select(item => (JsonNode?)Normalize(item!)).ToArray()),
        _ => node.GetValue<string>() switch
        {
            "UBIGINT" => JsonValue.Create("BIGINT"),
            "NULL" => JsonValue.Create("VARCHAR"),
            var other => JsonValue.Create(other),
        },
    };

    private static IEnumerable<(long Line, string Record)> JsonRecords(TextReader reader, DatasetPart part)
    {
        string text = reader.ReadToEnd();
        if (text.AsSpan().TrimStart().StartsWith("["))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException exception)
            {
                long at = (exception.LineNumber ?? 0) + 1;
                throw new DatasetException($"Part '{part.Path}', line {at}: malformed JSON.", part.Path, at, exception);
            }

            using (document)
            {
                long index = 0;
                foreach (JsonElement element in document.RootElement.EnumerateArray())
                {
                    index++;
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        throw new DatasetException($"Part '{part.Path}': element {index} of the JSON array is not an object.", part.Path, line: null);
                    }

                    yield return (index, element.GetRawText());
                }
            }

            yield break;
        }

        long number = 0;
        foreach (string line in text.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            bool isObject;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                isObject = document.RootElement.ValueKind == JsonValueKind.Object;
            }
            catch (JsonException exception)
            {
                throw new DatasetException($"Part '{part.Path}', line {number}: malformed JSON.", part.Path, number, exception);
            }

            if (!isObject)
            {
                throw new DatasetException($"Part '{part.Path}', line {number}: a JSON record must be an object.", part.Path, number);
            }

            yield return (number, line);
        }
    }

    private static async Task LoadParquetAsync(
        DuckDBConnection connection, IKeyManagementService kms, string table, string datasetPath, IReadOnlyList<DatasetPart> parts, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        var state = new ParquetAppender.State();
        foreach (DatasetPart part in parts)
        {
            if (part.Protection == PartProtection.ParquetModular)
            {
                await ParquetEncryption.WithDecryptionAsync(
                    kms,
                    part.Path,
                    properties =>
                    {
                        using var reader = new ParquetFileReader(part.Path, properties);
                        ParquetAppender.Append(connection, Stage, reader, state, part);
                        return true;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Stream stream = await PartReader.OpenPlaintextAsync(kms, part, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await Task.Run(
                        () =>
                        {
                            try
                            {
                                using var reader = new ParquetFileReader(stream, leaveOpen: true);
                                ParquetAppender.Append(connection, Stage, reader, state, part);
                            }
                            catch (ParquetException exception)
                            {
                                throw new DatasetException($"Part '{part.Path}' is not valid Parquet: {ParquetEncryption.FirstLine(exception.Message)}.", part.Path, line: null, exception);
                            }
                        },
                        cancellationToken).ConfigureAwait(false);
                }
            }
        }

        string select = $"SELECT * FROM {Stage}";
        if (options.Schema is { } schema)
        {
            select = await ParquetSchema.ApplyAsync(connection, select, schema, datasetPath, cancellationToken).ConfigureAwait(false);
        }

        await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS {select}", cancellationToken).ConfigureAwait(false);
    }

    private static async Task WithTextAsync(IKeyManagementService kms, DatasetPart part, Action<TextReader> read, CancellationToken cancellationToken)
    {
        Stream stream = await PartReader.OpenPlaintextAsync(kms, part, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            try
            {
                await Task.Run(() => read(reader), cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException exception)
            {
                throw new DatasetException($"Part '{part.Path}': the text is not valid UTF-8.", part.Path, line: null, exception);
            }
            catch (Exception exception) when (PartReader.IsPartFailure(exception))
            {
                throw PartReader.Wrap(part, exception);
            }
        }
    }

    /// <summary>Lines split at '\n' with one trailing '\r' removed; no line after a final newline (as the SQL text reader).</summary>
    private static IEnumerable<string> Lines(TextReader reader)
    {
        var line = new StringBuilder();
        char[] buffer = new char[1 << 16];
        bool pending = false;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    yield return TrimCarriageReturn(line);
                    line.Clear();
                    pending = false;
                }
                else
                {
                    line.Append(buffer[i]);
                    pending = true;
                }
            }
        }

        if (pending)
        {
            yield return TrimCarriageReturn(line);
        }
    }

    private static string TrimCarriageReturn(StringBuilder line) =>
        line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
