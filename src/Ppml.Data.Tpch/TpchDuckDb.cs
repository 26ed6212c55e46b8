using System.Buffers;
using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace Ppml.Data.Tpch;

/// <summary>
/// Creates the TPC-H tables in DuckDB and loads .tbl data, from files (DuckDB's <c>read_csv</c>, multi-threaded)
/// or from streams (parsed here and appended, so decrypted data never touches the disk). Both dbgen's format
/// (a trailing <c>|</c> after the last field, which a CSV reader sees as an extra empty column) and the same
/// rows without the trailing <c>|</c> are accepted. Every load runs in one transaction: it adds all rows or none.
/// </summary>
internal static class TpchDuckDb
{
    /// <summary>Lines longer than this are refused; dbgen's longest row (partsupp) is under 260 bytes.</summary>
    private const int MaxLineLength = 64 * 1024;

    /// <summary>Creates <paramref name="tables"/> (default: all eight) with <see cref="TpchSchema.GetCreateTableSql"/>.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="tables">The tables to create.</param>
    /// <param name="cancellationToken">Cancels between statements.</param>
    public static async Task CreateTablesAsync(
        DuckDBConnection connection,
        IEnumerable<TpchTable>? tables = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (TpchTable table in tables ?? TpchSchema.Tables)
        {
            await ExecuteAsync(connection, TpchSchema.GetCreateTableSql(table), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates each table of <paramref name="files"/> and loads its .tbl files (the parts of the table, in any
    /// order) with DuckDB's <c>read_csv</c> and the schema's column types.
    /// </summary>
    /// <param name="connection">An open connection, not inside a transaction.</param>
    /// <param name="files">Paths of the .tbl files of each table.</param>
    /// <param name="cancellationToken">Cancels between statements.</param>
    /// <returns>Rows loaded per table.</returns>
    /// <exception cref="TpchFormatException">A file is not a .tbl file of its table; nothing is loaded.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static async Task<IReadOnlyDictionary<TpchTable, long>> LoadTablesAsync(
        DuckDBConnection connection,
        IReadOnlyDictionary<TpchTable, IReadOnlyList<string>> files,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(files);

        // Inspect every file before touching the database, so a bad file changes nothing.
        var plans = new List<(TpchTable Table, List<string> WithTrailing, List<string> WithoutTrailing)>();
        foreach ((TpchTable table, IReadOnlyList<string> paths) in files)
        {
            var withTrailing = new List<string>();
            var withoutTrailing = new List<string>();
            foreach (string path in paths)
            {
                string fullPath = Path.GetFullPath(path);
                switch (await DetectLayoutAsync(table, fullPath, cancellationToken).ConfigureAwait(false))
                {
                    case Layout.TrailingSeparator:
                        withTrailing.Add(fullPath);
                        break;
                    case Layout.NoTrailingSeparator:
                        withoutTrailing.Add(fullPath);
                        break;
                    default:
                        break;
                }
            }

            plans.Add((table, withTrailing, withoutTrailing));
        }

        var rows = new Dictionary<TpchTable, long>();
        using DuckDBTransaction transaction = connection.BeginTransaction();
        foreach ((TpchTable table, List<string> withTrailing, List<string> withoutTrailing) in plans)
        {
            await ExecuteAsync(connection, TpchSchema.GetCreateTableSql(table), cancellationToken).ConfigureAwait(false);
            long loaded = 0;
            if (withTrailing.Count > 0)
            {
                loaded += await InsertFromCsvAsync(connection, table, withTrailing, trailingSeparator: true, cancellationToken).ConfigureAwait(false);
            }

            if (withoutTrailing.Count > 0)
            {
                loaded += await InsertFromCsvAsync(connection, table, withoutTrailing, trailingSeparator: false, cancellationToken).ConfigureAwait(false);
            }

            rows[table] = loaded;
        }

        transaction.Commit();
        return rows;
    }

    /// <summary>
    /// Finds each table's files in <paramref name="directory"/> (<c>name.tbl</c>, or the parts <c>name.tbl.1</c>,
    /// <c>name.tbl.2</c>, … as dbgen and <see cref="TpchGenerator"/> name them) and loads them.
    /// </summary>
    /// <param name="connection">An open connection, not inside a transaction.</param>
    /// <param name="directory">The folder holding the .tbl files.</param>
    /// <param name="tables">The tables to load (default: all eight).</param>
    /// <param name="cancellationToken">Cancels between statements.</param>
    /// <returns>Rows loaded per table.</returns>
    /// <exception cref="FileNotFoundException">A table has no file in the directory.</exception>
    public static Task<IReadOnlyDictionary<TpchTable, long>> LoadDirectoryAsync(
        DuckDBConnection connection,
        string directory,
        IEnumerable<TpchTable>? tables = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var files = new Dictionary<TpchTable, IReadOnlyList<string>>();
        foreach (TpchTable table in tables ?? TpchSchema.Tables)
        {
            files[table] = FindTableFiles(directory, table);
        }

        return LoadTablesAsync(connection, files, cancellationToken);
    }

    /// <summary>
    /// Creates each table of <paramref name="parts"/> and appends the rows of its .tbl streams, parsed here
    /// (nothing is written to disk). Each stream is opened, read to the end and disposed in turn.
    /// </summary>
    /// <param name="connection">An open connection, not inside a transaction.</param>
    /// <param name="parts">For each table, functions that open its parts.</param>
    /// <param name="cancellationToken">Cancels between buffers.</param>
    /// <returns>Rows loaded per table.</returns>
    /// <exception cref="TpchFormatException">A stream is not a .tbl file of its table; nothing is loaded.</exception>
    public static async Task<IReadOnlyDictionary<TpchTable, long>> LoadTablesFromStreamsAsync(
        DuckDBConnection connection,
        IReadOnlyDictionary<TpchTable, IReadOnlyList<Func<CancellationToken, ValueTask<Stream>>>> parts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parts);
        var rows = new Dictionary<TpchTable, long>();
        using DuckDBTransaction transaction = connection.BeginTransaction();
        foreach ((TpchTable table, IReadOnlyList<Func<CancellationToken, ValueTask<Stream>>> openers) in parts)
        {
            await ExecuteAsync(connection, TpchSchema.GetCreateTableSql(table), cancellationToken).ConfigureAwait(false);
            long loaded = 0;
            for (int i = 0; i < openers.Count; i++)
            {
                Stream stream = await openers[i](cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    loaded += await AppendTblAsync(connection, table, stream, $"{TpchSchema.GetTableName(table)} part {i + 1}", cancellationToken).ConfigureAwait(false);
                }
            }

            rows[table] = loaded;
        }

        transaction.Commit();
        return rows;
    }

    /// <summary>
    /// Appends the rows of one .tbl stream to the existing table <paramref name="table"/>. Run it inside a
    /// transaction to make it all-or-nothing: rows before a malformed line are otherwise kept.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="table">The table, which must exist.</param>
    /// <param name="tbl">The .tbl text (ASCII or UTF-8).</param>
    /// <param name="sourceName">Names the input in error messages.</param>
    /// <param name="cancellationToken">Cancels between buffers.</param>
    /// <returns>The number of rows appended.</returns>
    /// <exception cref="TpchFormatException">A line has the wrong number of fields or a value does not parse.</exception>
    public static async Task<long> AppendTblAsync(
        DuckDBConnection connection,
        TpchTable table,
        Stream tbl,
        string? sourceName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tbl);
        var parser = new TblLineParser(table, sourceName ?? TpchSchema.GetTableName(table));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxLineLength * 4);
        try
        {
            using DuckDBAppender appender = connection.CreateAppender(TpchSchema.GetTableName(table));
            int start = 0;
            int end = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = await tbl.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (end > start)
                    {
                        parser.AppendLine(appender, buffer.AsSpan(start, end - start));
                    }

                    break;
                }

                end += read;
                start = parser.AppendLines(appender, buffer, start, end);
                if (start == end)
                {
                    start = end = 0;
                }
                else if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end - start > MaxLineLength)
                {
                    throw parser.NextLineError($"is longer than {MaxLineLength} bytes");
                }
            }

            appender.Close();
            return parser.Rows;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The .tbl files of <paramref name="table"/> in <paramref name="directory"/>: the whole table or its numbered parts.</summary>
    internal static IReadOnlyList<string> FindTableFiles(string directory, TpchTable table)
    {
        string single = Path.Combine(directory, TpchSchema.GetFileName(table));
        if (File.Exists(single))
        {
            return [single];
        }

        string prefix = TpchSchema.GetFileName(table) + ".";
        List<(int Index, string Path)> parts = [];
        if (Directory.Exists(directory))
        {
            foreach (string path in Directory.EnumerateFiles(directory, prefix + "*"))
            {
                if (int.TryParse(Path.GetFileName(path).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    parts.Add((index, path));
                }
            }
        }

        if (parts.Count == 0)
        {
            throw new FileNotFoundException(
                $"Neither {TpchSchema.GetFileName(table)} nor its parts {prefix}1, {prefix}2, … are in '{directory}'.",
                single);
        }

        return [.. parts.OrderBy(part => part.Index).Select(part => part.Path)];
    }

    private static async Task<long> InsertFromCsvAsync(
        DuckDBConnection connection,
        TpchTable table,
        List<string> paths,
        bool trailingSeparator,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<TpchColumn> columns = TpchSchema.GetColumns(table);
        var sql = new StringBuilder();
        sql.Append("INSERT INTO ").Append(TpchSchema.GetTableName(table)).Append(" SELECT ")
            .AppendJoin(", ", columns.Select(column => column.Name))
            .Append(" FROM read_csv([")
            .AppendJoin(", ", paths.Select(path => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'"))
            .Append("], delim = '|', header = false, quote = '', escape = '', auto_detect = false, columns = {")
            .AppendJoin(", ", columns.Select(column => $"'{column.Name}': '{column.SqlType}'"));

        // dbgen ends every line with '|', which a CSV reader sees as one more (empty) field.
        if (trailingSeparator)
        {
            sql.Append(", '_tbl_trailing_field': 'VARCHAR'");
        }

        sql.Append("})");
        try
        {
            using DuckDBCommand command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            // DuckDB quotes the offending line after its first line; keep it out of the message (data stays private).
            string reason = exception.Message.Split('\n', 2)[0].Trim();
            throw new TpchFormatException(
                $"DuckDB could not load {paths.Count} file(s) of table {TpchSchema.GetTableName(table)} (first: '{paths[0]}'): {reason}",
                table,
                0);
        }
    }

    private enum Layout
    {
        Empty,
        TrailingSeparator,
        NoTrailingSeparator,
    }

    /// <summary>Reads the first line of a .tbl file to tell dbgen's trailing <c>|</c> from its absence.</summary>
    private static async Task<Layout> DetectLayoutAsync(TpchTable table, string path, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxLineLength);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                int length = 0;
                int read;
                while (length < MaxLineLength
                    && (read = await file.ReadAsync(buffer.AsMemory(length, MaxLineLength - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (buffer.AsSpan(0, length).Contains((byte)'\n'))
                    {
                        break;
                    }
                }

                if (length == 0)
                {
                    return Layout.Empty;
                }

                ReadOnlySpan<byte> line = buffer.AsSpan(0, length);
                int newline = line.IndexOf((byte)'\n');
                if (newline < 0 && length == MaxLineLength)
                {
                    throw new TpchFormatException($"'{path}' line 1 is longer than {MaxLineLength} bytes; it is not a .tbl file of table {TpchSchema.GetTableName(table)}.", table, 1);
                }

                line = newline < 0 ? line : line[..newline];
                int separators = line.Count((byte)'|');
                int columns = TpchSchema.GetColumns(table).Count;
                return separators == columns ? Layout.TrailingSeparator
                    : separators == columns - 1 ? Layout.NoTrailingSeparator
                    : throw new TpchFormatException(
                        $"'{path}' line 1 has {separators} '|' separators; table {TpchSchema.GetTableName(table)} has {columns} columns (dbgen writes {columns}, one after each field).",
                        table,
                        1);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Splits .tbl lines into fields, parses them with the column types and appends the rows.</summary>
    private sealed class TblLineParser(TpchTable table, string sourceName)
    {
        private readonly IReadOnlyList<TpchColumn> _columns = TpchSchema.GetColumns(table);
        private long _lineNumber;

        public long Rows { get; private set; }

        /// <summary>Appends every complete line in buffer[start..end); returns the start of the incomplete rest.</summary>
        public int AppendLines(DuckDBAppender appender, byte[] buffer, int start, int end)
        {
            while (true)
            {
                int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    return start;
                }

                AppendLine(appender, buffer.AsSpan(start, newline));
                start += newline + 1;
            }
        }

        public void AppendLine(DuckDBAppender appender, ReadOnlySpan<byte> line)
        {
            _lineNumber++;
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // dbgen's trailing separator is optional here.
            if (!line.IsEmpty && line[^1] == (byte)'|' && line.Count((byte)'|') == _columns.Count)
            {
                line = line[..^1];
            }

            int fields = line.Count((byte)'|') + 1;
            if (fields != _columns.Count)
            {
                throw new TpchFormatException(
                    $"{sourceName} line {_lineNumber}: the line has {fields} fields; table {TpchSchema.GetTableName(table)} has {_columns.Count}.",
                    table,
                    _lineNumber);
            }

            IDuckDBAppenderRow row = appender.CreateRow();
            for (int i = 0; i < _columns.Count; i++)
            {
                int separator = line.IndexOf((byte)'|');
                ReadOnlySpan<byte> field = separator < 0 ? line : line[..separator];
                line = separator < 0 ? [] : line[(separator + 1)..];
                row = Append(row, _columns[i], field);
            }

            row.EndRow();
            Rows++;
        }

        /// <summary>An error about the line after the last one appended.</summary>
        public TpchFormatException NextLineError(string problem) =>
            new($"{sourceName} line {_lineNumber + 1}: the line {problem}.", table, _lineNumber + 1);

        private IDuckDBAppenderRow Append(IDuckDBAppenderRow row, TpchColumn column, ReadOnlySpan<byte> field)
        {
            switch (column.Kind)
            {
                case TpchColumnKind.WholeNumber:
                    return Utf8Parser.TryParse(field, out int integer, out int used) && used == field.Length
                        ? row.AppendValue(integer)
                        : throw FieldError(column, "a 32-bit integer");
                case TpchColumnKind.LargeWholeNumber:
                    return Utf8Parser.TryParse(field, out long large, out used) && used == field.Length
                        ? row.AppendValue(large)
                        : throw FieldError(column, "a 64-bit integer");
                case TpchColumnKind.FixedPoint:
                    // DECIMAL(15,2): refuse what the column would silently round.
                    return Utf8Parser.TryParse(field, out decimal number, out used) && used == field.Length && decimal.Round(number, 2) == number
                        ? row.AppendValue(number)
                        : throw FieldError(column, "a decimal with at most 2 fractional digits");
                case TpchColumnKind.Date:
                    return TryParseDate(field, out DateOnly date)
                        ? row.AppendValue(date.ToDateTime(TimeOnly.MinValue))
                        : throw FieldError(column, "a date (yyyy-MM-dd)");
                default:
                    if (column.Length > 0 && field.Length > column.Length * 4)
                    {
                        throw FieldError(column, $"text of at most {column.Length} characters");
                    }

                    return row.AppendValue(Encoding.UTF8.GetString(field));
            }
        }

        private TpchFormatException FieldError(TpchColumn column, string expected) =>
            new($"{sourceName} line {_lineNumber}: column {column.Name} is not {expected}.", table, _lineNumber);

        private static bool TryParseDate(ReadOnlySpan<byte> field, out DateOnly date)
        {
            date = default;
            if (field.Length != 10
                || field[4] != (byte)'-'
                || field[7] != (byte)'-'
                || !Utf8Parser.TryParse(field[..4], out int year, out int yearLength) || yearLength != 4
                || !Utf8Parser.TryParse(field.Slice(5, 2), out int month, out int monthLength) || monthLength != 2
                || !Utf8Parser.TryParse(field.Slice(8, 2), out int day, out int dayLength) || dayLength != 2
                || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            date = new DateOnly(year, month, day);
            return true;
        }
    }
}
