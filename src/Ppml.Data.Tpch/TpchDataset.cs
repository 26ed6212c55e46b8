using System.Globalization;
using DuckDB.NET.Data;

namespace Ppml.Data.Tpch;

/// <summary>
/// A TPC-H dataset in a directory, plain or encrypted, and the glue that loads it into a <see cref="PpmlContext"/> and
/// runs the 22 queries there. Each table is found as one of:
/// <list type="bullet">
/// <item><c>&lt;table&gt;.tbl</c>, <c>&lt;table&gt;.csv</c> or <c>&lt;table&gt;.parquet</c>, each optionally with <c>.ppml</c>
/// appended (as <c>ppml encrypt</c> names a container);</item>
/// <item>a directory <c>&lt;table&gt;/</c> of parts (what <c>ppml tpch gen --parts N</c> writes: <c>lineitem/lineitem.tbl.1.ppml</c>, …);</item>
/// <item>dbgen's chunked layout <c>&lt;table&gt;.tbl.1</c>, <c>&lt;table&gt;.tbl.2</c>, … (<c>dbgen -C N -S k</c>), each optionally with
/// <c>.ppml</c>.</item>
/// </list>
/// Exactly one of these must be present per table. <c>.tbl</c> is dbgen's format ('|' after every field, no header);
/// <c>.csv</c> has a header row and ',' between fields (what <c>ppml sql --out x.csv</c> writes); Parquet columns must be
/// named as in <see cref="TpchSchema"/>. Every format is read with the schema's column types.
/// </summary>
public sealed class TpchDataset
{
    private const string ContainerSuffix = ".ppml";

    private static readonly (string Extension, DatasetFormat Format)[] Formats =
    [
        (".tbl", DatasetFormat.Tbl),
        (".csv", DatasetFormat.Csv),
        (".parquet", DatasetFormat.Parquet),
    ];

    private TpchDataset(string directory, IReadOnlyList<TpchTableSource> tables)
    {
        DirectoryPath = directory;
        Tables = tables;
    }

    /// <summary>The dataset directory (full path).</summary>
    public string DirectoryPath { get; }

    /// <summary>Where each table is, in <see cref="TpchSchema.Tables"/> order.</summary>
    public IReadOnlyList<TpchTableSource> Tables { get; }

    /// <summary>Finds the tables of a TPC-H dataset in <paramref name="directory"/>.</summary>
    /// <param name="directory">The dataset directory.</param>
    /// <param name="tables">The tables to find (default: all eight).</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetException">
    /// The directory does not exist, a table is missing, a table is present in more than one layout, or the format of a
    /// directory's parts cannot be told from their names. The message names the table and the files.
    /// </exception>
    public static TpchDataset Locate(string directory, IEnumerable<TpchTable>? tables = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullPath = Path.GetFullPath(directory);
        if (!Directory.Exists(fullPath))
        {
            throw new DatasetException($"TPC-H data directory '{fullPath}' does not exist.", fullPath, line: null);
        }

        string[] entries = [.. Directory.EnumerateFileSystemEntries(fullPath).Select(e => Path.GetFileName(e)!)];
        var sources = new List<TpchTableSource>();
        foreach (TpchTable table in tables ?? TpchSchema.Tables)
        {
            sources.Add(LocateTable(fullPath, entries, table));
        }

        return new TpchDataset(fullPath, sources);
    }

    /// <summary>
    /// Registers every table of the dataset in <paramref name="context"/> under its TPC-H name (decrypting encrypted
    /// parts in memory). Tables load smallest first, and while DuckDB builds one table the next one's parts are already
    /// being decrypted, so decryption overlaps parsing. On failure the tables registered before stay registered; the
    /// exception names the part.
    /// </summary>
    /// <param name="context">The context to load into.</param>
    /// <param name="requireEncrypted">Whether every part must be encrypted (a plain part is refused before it is read).</param>
    /// <param name="progress">Receives each table as soon as it is loaded.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What was loaded, per table, in load order.</returns>
    /// <exception cref="DatasetException">A part is missing, malformed, wrongly keyed, tampered with, or plain when encryption is required.</exception>
    public Task<IReadOnlyList<TableInfo>> RegisterAsync(
        PpmlContext context, bool requireEncrypted = false, IProgress<TableInfo>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RegisterTablesAsync(Requests(requireEncrypted), progress, cancellationToken);
    }

    /// <summary>One request per table, smallest first (so the first, unoverlapped preparation is short).</summary>
    private TableRequest[] Requests(bool requireEncrypted) =>
    [
        .. Tables
            .OrderBy(SizeOnDisk)
            .Select(source => new TableRequest(source.TableName, source.Path, source.Format, ReadOptions(source, requireEncrypted), source.Files)),
    ];

    /// <summary>
    /// Where <see cref="TpchSavedTables.UseOrSave"/> keeps the loaded tables: an encrypted DuckDB database
    /// (<c>PpmlContext.SaveTablesAsync</c>) beside the parts, named so that dataset listings skip it.
    /// </summary>
    public string SavedTablesPath => Path.Combine(DirectoryPath, SavedTablesFileName);

    /// <summary>The file name of <see cref="SavedTablesPath"/>.</summary>
    public const string SavedTablesFileName = "_ppml_tables.duckdb.ppml";

    /// <summary>
    /// What the saved tables must have been saved from: every part file of every table, by name, size and the SHA-256 of
    /// its first 4 KiB (a container's header, which holds its own wrapped data key, so re-encrypted or replaced parts never
    /// match), and whether encryption was required. The manifest is stored inside the encrypted database, so it cannot be
    /// edited to pass stale tables off as current.
    /// </summary>
    private async Task<Dictionary<string, string>> ManifestAsync(bool requireEncrypted, CancellationToken cancellationToken)
    {
        var manifest = new Dictionary<string, string>(StringComparer.Ordinal) { ["tpch.requireEncrypted"] = requireEncrypted ? "true" : "false" };
        byte[] head = new byte[4096];
        foreach (TpchTableSource source in Tables)
        {
            IEnumerable<string> files = source.Files.Count > 0 ? source.Files
                : Directory.Exists(source.Path) ? Directory.EnumerateFiles(source.Path).Order(StringComparer.Ordinal)
                : [source.Path];
            var entry = new System.Text.StringBuilder();
            foreach (string file in files)
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
                int read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                entry.Append(Path.GetRelativePath(DirectoryPath, file)).Append(':').Append(stream.Length.ToString(CultureInfo.InvariantCulture)).Append(':')
                    .Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(head.AsSpan(0, read)))).Append(';');
            }

            manifest["tpch.parts." + source.TableName] = entry.ToString();
            manifest["format." + source.TableName] = source.Format.ToString();
        }

        return manifest;
    }

    /// <summary>Attaches matching saved tables, or registers the parts (and saves them when asked).</summary>
    private async Task<IReadOnlyList<TableInfo>> LoadAsync(
        PpmlContext context, bool requireEncrypted, TpchSavedTables savedTables, ITpchRunObserver? observer, CancellationToken cancellationToken)
    {
        Relay<TableInfo>? progress = observer is null ? null : new Relay<TableInfo>(observer.TableLoaded);
        if (savedTables == TpchSavedTables.Ignore)
        {
            return await RegisterAsync(context, requireEncrypted, progress, cancellationToken).ConfigureAwait(false);
        }

        Dictionary<string, string> manifest = await ManifestAsync(requireEncrypted, cancellationToken).ConfigureAwait(false);
        if (File.Exists(SavedTablesPath)
            && await context.AttachTablesAsync(SavedTablesPath, manifest, cancellationToken).ConfigureAwait(false) is { } attached
            && Tables.All(source => attached.Tables.Any(t => t.Name == source.TableName)))
        {
            foreach (TableInfo table in attached.Tables)
            {
                progress?.Report(table);
            }

            return attached.Tables;
        }

        if (savedTables == TpchSavedTables.Use)
        {
            return await RegisterAsync(context, requireEncrypted, progress, cancellationToken).ConfigureAwait(false);
        }

        // Parse straight into the saved database (compressed, in a memory file), then attach it: the tables never exist
        // uncompressed, so a dataset larger than memory as tables still loads.
        await context.SaveTablesAsync(
            Requests(requireEncrypted), SavedTablesPath, new SaveTablesOptions { Manifest = manifest, Overwrite = true }, progress, cancellationToken).ConfigureAwait(false);
        AttachedTables saved = await context.AttachTablesAsync(SavedTablesPath, manifest, cancellationToken).ConfigureAwait(false)
            ?? throw new DatasetException($"The tables just saved to '{SavedTablesPath}' do not match their parts; were the parts changed during the load?");
        return saved.Tables;
    }

    /// <summary>
    /// A whole TPC-H run: registers the dataset's tables in <paramref name="context"/> (<see cref="RegisterAsync"/>), takes
    /// the scale factor (<paramref name="scaleFactor"/>, or from the size of SUPPLIER), and runs <paramref name="queries"/>
    /// (<see cref="RunQueriesAsync"/>), telling <paramref name="observer"/> about each step.
    /// </summary>
    /// <param name="context">The context to load into and query.</param>
    /// <param name="queries">Query numbers 1..22, run in this order.</param>
    /// <param name="scaleFactor">The data's scale factor; <see langword="null"/> derives it from SUPPLIER.</param>
    /// <param name="requireEncrypted">Whether every part must be encrypted.</param>
    /// <param name="observer">Hears each loaded table, the start of the queries and each finished query.</param>
    /// <param name="timeProvider">The clock for timings (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="savedTables">Whether to attach tables saved from exactly these parts instead of parsing them, and to save them after a load (<see cref="SavedTablesPath"/>).</param>
    /// <param name="cancellationToken">Cancels the load or the running query.</param>
    /// <returns>What was loaded and answered.</returns>
    /// <exception cref="DatasetException">A part could not be loaded, SUPPLIER is empty, or a query failed.</exception>
    public async Task<TpchRunSummary> LoadAndRunAsync(
        PpmlContext context,
        IReadOnlyList<int> queries,
        double? scaleFactor = null,
        bool requireEncrypted = false,
        ITpchRunObserver? observer = null,
        TimeProvider? timeProvider = null,
        TpchSavedTables savedTables = TpchSavedTables.Ignore,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queries);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        long started = clock.GetTimestamp();
        IReadOnlyList<TableInfo> tables = await LoadAsync(context, requireEncrypted, savedTables, observer, cancellationToken).ConfigureAwait(false);
        TimeSpan load = clock.GetElapsedTime(started);
        double sf = scaleFactor ?? await DetectScaleFactorAsync(context, cancellationToken).ConfigureAwait(false);
        observer?.QueriesStarting(sf, scaleFactor is null, queries.Count);

        long queriesStarted = clock.GetTimestamp();
        IReadOnlyList<TpchQueryResult> results = await RunQueriesAsync(
            context, queries, sf, observer is null ? null : new Relay<TpchQueryResult>(observer.QueryFinished), clock, cancellationToken).ConfigureAwait(false);
        return new TpchRunSummary(tables, sf, load, results, clock.GetElapsedTime(queriesStarted));
    }

    /// <summary>
    /// The scale factor of the TPC-H data registered in <paramref name="context"/>, from the size of SUPPLIER
    /// (SF × 10,000 rows at every scale factor dbgen supports).
    /// </summary>
    /// <param name="context">A context holding the table <c>supplier</c>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The scale factor.</returns>
    /// <exception cref="DatasetException">SUPPLIER is missing or empty.</exception>
    public static async Task<double> DetectScaleFactorAsync(PpmlContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        QueryResult result = await context.QueryAsync("SELECT count(*) FROM supplier", cancellationToken).ConfigureAwait(false);
        long suppliers = Convert.ToInt64(result.Rows[0][0], CultureInfo.InvariantCulture);
        if (suppliers <= 0)
        {
            throw new DatasetException("TPC-H table supplier is empty, so the scale factor cannot be derived from it; give the scale factor explicitly.");
        }

        return suppliers / 10_000.0;
    }

    /// <summary>
    /// Runs TPC-H queries (validation parameters) on the tables registered in <paramref name="context"/>, with
    /// <see cref="TpchRunner"/>, one at a time in the order given.
    /// </summary>
    /// <param name="context">A context holding the eight tables.</param>
    /// <param name="queries">Query numbers 1..22 (default: all, in order).</param>
    /// <param name="scaleFactor">The data's scale factor (Q11's FRACTION is 0.0001 / SF).</param>
    /// <param name="progress">Receives each result as soon as its query finishes.</param>
    /// <param name="timeProvider">The clock for timings (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Interrupts the running query.</param>
    /// <returns>One result per query.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A query number is not 1..22, or the scale factor is not positive.</exception>
    /// <exception cref="DatasetException">A query failed (for example a table is missing or memory ran out); the message names the query.</exception>
    public static Task<IReadOnlyList<TpchQueryResult>> RunQueriesAsync(
        PpmlContext context,
        IEnumerable<int>? queries = null,
        double scaleFactor = 1,
        IProgress<TpchQueryResult>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        int[] numbers = [.. queries ?? TpchQueries.All];
        foreach (int number in numbers)
        {
            _ = TpchQueries.Get(number, scaleFactor);
        }

        return context.WithConnectionAsync((connection, token) => RunAsync(connection, numbers, scaleFactor, progress, timeProvider, token), cancellationToken);
    }

    /// <summary>Runs the queries one at a time so a failure names its query.</summary>
    internal static async Task<IReadOnlyList<TpchQueryResult>> RunAsync(
        DuckDBConnection connection, int[] numbers, double scaleFactor, IProgress<TpchQueryResult>? progress, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var results = new List<TpchQueryResult>(numbers.Length);
        foreach (int number in numbers)
        {
            try
            {
                IReadOnlyList<TpchQueryResult> one = await TpchRunner.RunAsync(connection, [number], scaleFactor, progress, timeProvider, cancellationToken).ConfigureAwait(false);
                results.Add(one[0]);
            }
            catch (DuckDBException exception)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new DatasetException($"TPC-H query {number} failed: {DuckDbQueryErrors.Reason(exception)}", exception);
            }
        }

        return results;
    }

    /// <summary>How each format of a TPC-H table is read: always with the schema's column names and types.</summary>
    internal static DatasetReadOptions ReadOptions(TpchTableSource source, bool requireEncrypted)
    {
        IReadOnlyList<DatasetColumn> schema = [.. TpchSchema.GetColumns(source.Table).Select(c => new DatasetColumn(c.Name, c.SqlType))];
        return source.Format switch
        {
            DatasetFormat.Tbl => new DatasetReadOptions { HasHeader = false, Delimiter = '|', Schema = schema, RequireEncrypted = requireEncrypted },
            DatasetFormat.Csv => new DatasetReadOptions { HasHeader = true, Delimiter = ',', Schema = schema, RequireEncrypted = requireEncrypted },
            _ => new DatasetReadOptions { Schema = schema, RequireEncrypted = requireEncrypted },
        };
    }

    private static TpchTableSource LocateTable(string directory, string[] entries, TpchTable table)
    {
        string name = TpchSchema.GetTableName(table);
        var found = new List<TpchTableSource>();

        // <table>.tbl | .csv | .parquet, each optionally + .ppml.
        foreach ((string extension, DatasetFormat format) in Formats)
        {
            foreach (string candidate in new[] { name + extension, name + extension + ContainerSuffix })
            {
                if (entries.Contains(candidate, StringComparer.Ordinal) && File.Exists(Path.Combine(directory, candidate)))
                {
                    found.Add(new TpchTableSource(table, Path.Combine(directory, candidate), format, []));
                }
            }
        }

        // A directory <table>/ of parts.
        string partsDirectory = Path.Combine(directory, name);
        if (entries.Contains(name, StringComparer.Ordinal) && Directory.Exists(partsDirectory))
        {
            found.Add(new TpchTableSource(table, partsDirectory, DirectoryFormat(name, partsDirectory), []));
        }

        // dbgen -C: <table>.tbl.1, <table>.tbl.2, … (optionally + .ppml) beside the other tables.
        string prefix = name + ".tbl.";
        var chunks = new List<(int Index, string Path)>();
        foreach (string entry in entries)
        {
            if (!entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<char> rest = entry.AsSpan(prefix.Length);
            if (rest.EndsWith(ContainerSuffix, StringComparison.Ordinal))
            {
                rest = rest[..^ContainerSuffix.Length];
            }

            if (int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && File.Exists(Path.Combine(directory, entry)))
            {
                chunks.Add((index, Path.Combine(directory, entry)));
            }
        }

        if (chunks.Count > 0)
        {
            chunks.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : string.CompareOrdinal(a.Path, b.Path));
            if (chunks.GroupBy(c => c.Index).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            {
                throw new DatasetException(
                    $"TPC-H table {name}: part {duplicate.Key} is in '{directory}' twice ({string.Join(" and ", duplicate.Select(d => Path.GetFileName(d.Path)))}); keep one.",
                    directory,
                    line: null);
            }

            string[] files = [.. chunks.Select(c => c.Path)];
            found.Add(new TpchTableSource(table, files[0], DatasetFormat.Tbl, files));
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw new DatasetException(
                $"TPC-H table {name} is missing from '{directory}': expected {name}.tbl, {name}.csv or {name}.parquet (each optionally with {ContainerSuffix}), " +
                $"a directory {name}/ of parts, or dbgen's parts {name}.tbl.1, {name}.tbl.2, ….",
                directory,
                line: null),
            _ => throw new DatasetException(
                $"TPC-H table {name} is in '{directory}' more than once ({string.Join(", ", found.Select(Describe))}); keep one of them.",
                directory,
                line: null),
        };
    }

    private static long SizeOnDisk(TpchTableSource source) =>
        source.Files.Count > 0 ? source.Files.Sum(file => new FileInfo(file).Length)
        : Directory.Exists(source.Path) ? Directory.EnumerateFiles(source.Path).Sum(file => new FileInfo(file).Length)
        : new FileInfo(source.Path).Length;

    private static string Describe(TpchTableSource source) =>
        source.Files.Count > 0 ? $"{Path.GetFileName(source.Files[0])} … ({source.Files.Count} parts)"
        : Directory.Exists(source.Path) ? Path.GetFileName(source.Path) + "/"
        : Path.GetFileName(source.Path);

    /// <summary>The format of a directory's parts, from their names (<c>x.tbl.1.ppml</c>, <c>part-0.csv</c>, <c>part-0.parquet</c>).</summary>
    private static DatasetFormat DirectoryFormat(string table, string directory)
    {
        DatasetFormat? format = null;
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (name.Length == 0 || name[0] is '.' or '_' || name.Contains(".tmp-", StringComparison.Ordinal))
            {
                continue;
            }

            string bare = name.EndsWith(ContainerSuffix, StringComparison.Ordinal) ? name[..^ContainerSuffix.Length] : name;
            DatasetFormat? partFormat = null;
            foreach ((string extension, DatasetFormat candidate) in Formats)
            {
                if (bare.EndsWith(extension, StringComparison.OrdinalIgnoreCase) || bare.Contains(extension + ".", StringComparison.OrdinalIgnoreCase))
                {
                    partFormat = candidate;
                    break;
                }
            }

            if (partFormat is null)
            {
                throw new DatasetException(
                    $"TPC-H table {table}: cannot tell the format of part '{file}' from its name; name parts *.tbl, *.csv or *.parquet (optionally with {ContainerSuffix}, and a part number such as {table}.tbl.1).",
                    file,
                    line: null);
            }

            if (format is { } previous && previous != partFormat)
            {
                throw new DatasetException(
                    $"TPC-H table {table}: the parts in '{directory}' mix formats ({previous} and {partFormat}); a table's parts must share one format.",
                    directory,
                    line: null);
            }

            format = partFormat;
        }

        return format ?? throw new DatasetException($"TPC-H table {table}: directory '{directory}' holds no part files.", directory, line: null);
    }

    /// <summary>Passes reports straight to an observer method, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
