using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Ppml.Data.IO;
using Ppml.Data.Loading;
using Ppml.Data.Spill;
using Ppml.Data.Writing;
using Ppml.Kms;

namespace Ppml.Data;

/// <summary>
/// The entry point of trusted analytics: registers datasets (CSV, JSON, text, Parquet, TPC-H .tbl; a file or a
/// directory of independently decryptable parts; plain, PPML containers or Parquet modular encryption) as SQL tables
/// in an embedded, in-memory DuckDB; runs SQL; and writes results encrypted with KMS data keys.
/// </summary>
/// <remarks>
/// <para>No plaintext reaches a disk. Encrypted parts are decrypted into anonymous memory files that DuckDB reads
/// through <c>/proc/self/fd/N</c> (or, without memory files, parsed in .NET and appended); a query that outgrows
/// <see cref="PpmlContextOptions.MemoryLimit"/> spills only into encrypted temporary files (AES-256-GCM under a key held in
/// memory only, see <see cref="PpmlContextOptions.Spill"/>), or fails where that is unavailable; SQL cannot read or write files itself (<c>enable_external_access = false</c>, only
/// <c>/proc/self/fd/</c> allowed, configuration locked); and outputs are written by this class, encrypted, through a
/// temporary file that is flushed and renamed (a directory of parts through a staging directory).</para>
/// <para>Operations are serialized: one statement at a time per context. Use one context per job.</para>
/// <example>
/// <code>
/// await using PpmlContext context = await PpmlContext.OpenAsync(kms, new PpmlContextOptions { DefaultKeyName = "primary" });
/// await context.RegisterTableAsync("people", "people.json.ppml", DatasetFormat.Json);
/// QueryResult adults = await context.QueryAsync("SELECT name FROM people WHERE age >= 21");
/// await context.WriteAsync("SELECT * FROM people", "out/people.csv.ppml", DatasetFormat.Csv);
/// </code>
/// </example>
/// </remarks>
public sealed class PpmlContext : IAsyncDisposable, IDisposable
{
    private const string ReservedPrefix = "__ppml";

    private readonly DuckDBConnection _connection;
    private readonly IKeyManagementService _kms;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TableInfo> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<MemoryFile> _attached = [];
    private readonly SpillDirectory? _spill;
    private bool _disposed;

    private PpmlContext(DuckDBConnection connection, IKeyManagementService kms, PpmlContextOptions options, DecryptedInputTransport transport, SpillDirectory? spill, long memoryLimitBytes)
    {
        _connection = connection;
        _kms = kms;
        Options = options;
        Transport = transport;
        _spill = spill;
        MemoryLimitBytes = memoryLimitBytes;
    }

    /// <summary>The settings this context was opened with.</summary>
    public PpmlContextOptions Options { get; }

    /// <summary>The TEE mode (<see cref="PpmlContextOptions.TeeMode"/>).</summary>
    public string TeeMode => Options.TeeMode;

    /// <summary>How decrypted inputs reach DuckDB: <c>memfd</c> (anonymous memory files) or <c>appender</c>.</summary>
    public string InputTransport => Transport == DecryptedInputTransport.MemoryFile ? "memfd" : "appender";

    /// <summary>Whether DuckDB can spill to (encrypted) temporary files in this context (<see cref="PpmlContextOptions.Spill"/>).</summary>
    public bool CanSpill => _spill is not null;

    /// <summary>The bytes DuckDB has written, encrypted, to this context's temporary files so far (0 when nothing spilled).</summary>
    public long SpilledBytes => _spill?.BytesWritten ?? 0;

    /// <summary>This context's spill directory, while it spills (tests).</summary>
    internal string? SpillPath => _spill?.Path;

    /// <summary>
    /// DuckDB's effective memory limit in bytes, read back from DuckDB after it was set (<see cref="PpmlContextOptions.MemoryLimit"/>,
    /// or its default); DuckDB reports it to three significant digits (for example <c>15.6 GiB</c>).
    /// </summary>
    public long MemoryLimitBytes { get; }

    /// <summary>The tables registered so far, by name.</summary>
    public IReadOnlyDictionary<string, TableInfo> Tables => _tables;

    /// <summary>The KMS used for data keys.</summary>
    internal IKeyManagementService Kms => _kms;

    internal DecryptedInputTransport Transport { get; }

    /// <summary>Opens a context: an in-memory DuckDB that spills only to encrypted temporary files, with file access from SQL disabled.</summary>
    /// <param name="kms">Unwraps input data keys and generates output data keys; not disposed by the context.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The context; dispose it to free its memory.</returns>
    /// <exception cref="ArgumentException">An option is invalid (for example, <see cref="PpmlContextOptions.MemoryLimit"/>).</exception>
    /// <exception cref="PlatformNotSupportedException"><see cref="PpmlContextOptions.Spill"/> is <see cref="SpillMode.Encrypted"/> and encrypted spilling is unavailable here.</exception>
    /// <exception cref="IOException">The spill directory could not be created.</exception>
    public static async Task<PpmlContext> OpenAsync(IKeyManagementService kms, PpmlContextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        options ??= new PpmlContextOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DefaultKeyName, nameof(options));
        DecryptedInputTransport transport = options.Transport switch
        {
            DecryptedInputTransport.Auto => MemoryFile.IsSupported ? DecryptedInputTransport.MemoryFile : DecryptedInputTransport.Appender,
            DecryptedInputTransport.MemoryFile when !MemoryFile.IsSupported => throw new PlatformNotSupportedException("Memory files (memfd_create and /proc/self/fd) are not available on this runtime."),
            var chosen => chosen,
        };

        var connection = new DuckDBConnection("DataSource=:memory:");
        SpillDirectory? spill = null;
        try
        {
            await Task.Run(connection.Open, cancellationToken).ConfigureAwait(false);
            spill = OpenSpill(options);
            var settings = new List<string>
            {
                // Without a spill directory, no spilling: DuckDB would otherwise write intermediate (plaintext) data to
                // ./.tmp under memory pressure. With one, every file DuckDB writes there is encrypted by the hooks.
                "SET temp_directory = " + (spill is null ? "''" : Sql.Literal(spill.Path)),
                "SET preserve_insertion_order = true",
            };
            if (spill is not null && options.MaxSpillSize is { } maxSpill)
            {
                settings.Add("SET max_temp_directory_size = " + Sql.Literal(maxSpill));
            }

            settings.Add("SET memory_limit = " + Sql.Literal(options.MemoryLimit ?? string.Create(CultureInfo.InvariantCulture, $"{PpmlContextOptions.DefaultMemoryLimitBytes} bytes")));

            if (options.Threads is { } threads)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(options));
                settings.Add(string.Create(CultureInfo.InvariantCulture, $"SET threads = {threads}"));
            }

            if (transport == DecryptedInputTransport.MemoryFile)
            {
                settings.Add("SET allowed_directories = ['/proc/self/fd/']");
            }

            // SQL may not open files (no COPY TO, no read_csv of a plaintext path); the locked configuration keeps
            // it that way (and keeps spilling off) whatever the queries say.
            settings.Add("SET enable_external_access = false");
            settings.Add("SET lock_configuration = true");
            foreach (string setting in settings)
            {
                try
                {
                    await DuckDb.ExecuteAsync(connection, setting, cancellationToken).ConfigureAwait(false);
                }
                catch (DuckDBException exception)
                {
                    throw new ArgumentException($"DuckDB refused '{setting}': {DuckDbErrors.Sanitize(exception.Message)}", nameof(options), exception);
                }
            }

            return new PpmlContext(connection, kms, options, transport, spill, await ReadMemoryLimitAsync(connection, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            spill?.Dispose();
            throw;
        }
    }

    /// <summary>The context's spill directory, with the encryption hooks in place; <see langword="null"/> for no spilling.</summary>
    /// <remarks>Called after DuckDB is loaded (the hooks patch the loaded libduckdb).</remarks>
    private static SpillDirectory? OpenSpill(PpmlContextOptions options)
    {
        if (options.Spill == SpillMode.Off)
        {
            return null;
        }

        if (!SpillHooks.TryEnsureInstalled(out string? reason))
        {
            if (options.Spill == SpillMode.Encrypted)
            {
                throw new PlatformNotSupportedException(
                    $"Encrypted spilling (PpmlContextOptions.Spill = Encrypted) is unavailable: {reason} " +
                    "Set Spill to Auto or Off: a query that outgrows MemoryLimit then fails instead of spilling.");
            }

            return null; // Auto: no spilling here, never plaintext spilling
        }

        return SpillDirectory.Create(options.SpillDirectory ?? SpillDirectory.DefaultBase, out _);
    }

    /// <summary>DuckDB's <c>memory_limit</c> setting (text such as <c>15.6 GiB</c>) in bytes.</summary>
    private static async Task<long> ReadMemoryLimitAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        object? setting = await DuckDb.ScalarAsync(connection, "SELECT current_setting('memory_limit')", cancellationToken).ConfigureAwait(false);
        return setting is string text && Ppml.Core.ByteSize.TryParse(text, out long bytes)
            ? bytes
            : throw new InvalidOperationException($"DuckDB reported memory_limit '{setting}', which is not a size.");
    }

    /// <summary>
    /// Loads a dataset into table <paramref name="name"/> (replacing a table of that name). All parts are read (and
    /// authenticated) before the table exists; on any failure no table is created or replaced.
    /// </summary>
    /// <param name="name">The SQL table name.</param>
    /// <param name="path">A file, or a directory whose files are the parts (natural order; names starting with '.' or '_' skipped).</param>
    /// <param name="format">The format of every part.</param>
    /// <param name="options">Header, delimiter, schema and encryption requirement; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What was loaded.</returns>
    /// <exception cref="DatasetException">A part is missing, malformed, wrongly keyed, tampered with, or plain when encryption is required; the message names the part and line when known.</exception>
    public async Task<TableInfo> RegisterTableAsync(
        string name, string path, DatasetFormat format, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        return await RegisterCoreAsync(
            name,
            fullPath,
            format,
            options ?? DatasetReadOptions.Default,
            (readOptions, token) => DatasetParts.ResolveAsync(fullPath, format, Effective(readOptions), token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the files <paramref name="files"/> (in this order) as the parts of one table: for layouts that keep a
    /// table's parts beside other files, such as dbgen's <c>lineitem.tbl.1</c>, <c>lineitem.tbl.2</c>, ….
    /// </summary>
    /// <param name="name">The SQL table name.</param>
    /// <param name="datasetPath">Names the dataset in messages and in <see cref="TableInfo.Path"/>.</param>
    /// <param name="files">The part files.</param>
    /// <param name="format">The format of every part.</param>
    /// <param name="options">Read options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    internal Task<TableInfo> RegisterTableFilesAsync(
        string name, string datasetPath, IReadOnlyList<string> files, DatasetFormat format, DatasetReadOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(files);
        string[] fullPaths = [.. files.Select(Path.GetFullPath)];
        return RegisterCoreAsync(
            name,
            Path.GetFullPath(datasetPath),
            format,
            options ?? DatasetReadOptions.Default,
            (readOptions, token) => DatasetParts.ResolveFilesAsync(fullPaths, format, Effective(readOptions), token),
            cancellationToken);
    }

    /// <summary>
    /// Registers several datasets, one table each, in the order given, overlapping the work: while DuckDB builds one
    /// table, the parts of the next are already being decrypted (or copied) into memory files on other threads. At most
    /// two datasets' plaintext is in memory files at once. The first dataset is prepared with
    /// <see cref="PpmlContextOptions.MaxDegreeOfParallelism"/>, the others by one thread in the background. Each table
    /// is all or nothing, as with
    /// <see cref="RegisterTableAsync"/>; on a failure the tables registered before it stay registered.
    /// </summary>
    /// <param name="requests">The datasets; put small ones first so the first (unoverlapped) preparation is short.</param>
    /// <param name="progress">Receives each table as soon as it is built.</param>
    /// <param name="cancellationToken">Cancels the loads.</param>
    /// <returns>What was loaded, in the order given. <see cref="TableInfo.Elapsed"/> is the table's own preparation plus
    /// build time, part of which overlapped the previous table.</returns>
    /// <exception cref="ArgumentException">A table name is empty or starts with the reserved prefix.</exception>
    /// <exception cref="DatasetException">A part is missing, malformed, wrongly keyed, tampered with, or plain when encryption is required; the message names the part and line when known.</exception>
    public async Task<IReadOnlyList<TableInfo>> RegisterTablesAsync(
        IReadOnlyList<TableRequest> requests, IProgress<TableInfo>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (TableRequest request in requests)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(request.Name);
            if (request.Name.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Table names starting with '{ReservedPrefix}' are reserved.", nameof(requests));
            }
        }

        var loaded = new List<TableInfo>(requests.Count);
        if (Transport != DecryptedInputTransport.MemoryFile)
        {
            // The appender path parses while it reads: nothing to overlap.
            foreach (TableRequest request in requests)
            {
                TableInfo info = request.Files.Count > 0
                    ? await RegisterTableFilesAsync(request.Name, request.Path, request.Files, request.Format, request.Options, cancellationToken).ConfigureAwait(false)
                    : await RegisterTableAsync(request.Name, request.Path, request.Format, request.Options, cancellationToken).ConfigureAwait(false);
                loaded.Add(info);
                progress?.Report(info);
            }

            return loaded;
        }

        if (requests.Count == 0)
        {
            return loaded;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await LoadAsync(requests, ResolveAsync, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Registers only the tables <paramref name="sql"/> needs, and only once it is known to be valid: the query is parsed
    /// first (a syntax error fails before anything is read), the declared tables it references are found in its syntax
    /// tree, and it is bound (names, columns, types checked) against empty tables with their schemas; then the referenced
    /// tables are loaded (as <see cref="RegisterTablesAsync"/> does) and the others never are. A referenced table whose
    /// schema is not known without reading it (CSV or JSON without <see cref="DatasetReadOptions.Schema"/>, Parquet without
    /// one) is loaded before the bind. A statement DuckDB cannot analyze without running it (not a single SELECT, for
    /// example <c>DESCRIBE</c> or <c>SHOW TABLES</c>) loads every declared table first, as before.
    /// </summary>
    /// <param name="sql">The statement that will run next (<see cref="QueryAsync"/>, <see cref="WriteAsync"/>).</param>
    /// <param name="tables">The declared tables.</param>
    /// <param name="progress">Receives each table as soon as it is loaded.</param>
    /// <param name="cancellationToken">Cancels the analysis and the loads.</param>
    /// <returns>The tables loaded, in load order.</returns>
    /// <exception cref="ArgumentException"><paramref name="sql"/> is empty, a table name is empty or reserved, or a schema type is not a type name.</exception>
    /// <exception cref="DatasetException">The query does not parse or bind (nothing was loaded unless a referenced table had no known schema), or a table failed to load.</exception>
    public async Task<IReadOnlyList<TableInfo>> RegisterTablesForQueryAsync(
        string sql, IReadOnlyList<TableRequest> tables, IProgress<TableInfo>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(tables);
        QueryTables.Analysis analysis;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            analysis = await QueryTables.AnalyzeAsync(_connection, sql, cancellationToken).ConfigureAwait(false);
            if (analysis.IsSyntaxError)
            {
                // DuckDB's own parser message, as running the query would give it.
                await BindAsync(sql, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        if (analysis.Tables is not { } names || analysis.Statements != 1)
        {
            return await RegisterTablesAsync(tables, progress, cancellationToken).ConfigureAwait(false);
        }

        TableRequest[] referenced = [.. tables.Where(t => names.Contains(t.Name))];
        if (analysis.IsQualified)
        {
            // main.nation cannot resolve to an empty temporary stand-in: load what is referenced; the query then binds as it runs.
            return await RegisterTablesAsync(referenced, progress, cancellationToken).ConfigureAwait(false);
        }

        TableRequest[] unknown = [.. referenced.Where(t => KnownColumns(t) is null)];
        TableRequest[] known = [.. referenced.Where(t => KnownColumns(t) is not null)];
        var loaded = new List<TableInfo>(referenced.Length);
        loaded.AddRange(await RegisterTablesAsync(unknown, progress, cancellationToken).ConfigureAwait(false));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await BindWithPlaceholdersAsync(sql, known, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        loaded.AddRange(await RegisterTablesAsync(known, progress, cancellationToken).ConfigureAwait(false));
        return loaded;
    }

    /// <summary>The columns a table will have, when they are known without reading it.</summary>
    private static IReadOnlyList<DatasetColumn>? KnownColumns(TableRequest table) =>
        table.Format == DatasetFormat.Text ? [new DatasetColumn("value", "VARCHAR")] : table.Options.Schema;

    /// <summary>Binds <paramref name="sql"/> with an empty temporary table in place of each of <paramref name="tables"/>, then drops them (the caller holds the lock).</summary>
    private async Task BindWithPlaceholdersAsync(string sql, IReadOnlyList<TableRequest> tables, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        try
        {
            foreach (TableRequest table in tables)
            {
                IReadOnlyList<DatasetColumn> columns = KnownColumns(table)!;
                if (columns.FirstOrDefault(c => !Ppml.Data.Tables.DatasetSchema.IsTypeName(c.SqlType)) is { } bad)
                {
                    throw new ArgumentException($"Table '{table.Name}': '{bad.SqlType}' (column '{bad.Name}') is not a DuckDB type name.", nameof(tables));
                }

                // TEMP: resolved before the main schema, so a loaded table of that name is neither hidden nor replaced.
                string definition = string.Join(", ", columns.Select(c => Sql.Identifier(c.Name) + " " + c.SqlType));
                await DuckDb.ExecuteAsync(_connection, $"CREATE OR REPLACE TEMP TABLE {Sql.Identifier(table.Name)} ({definition})", cancellationToken).ConfigureAwait(false);
                created.Add(table.Name);
            }

            await BindAsync(sql, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (string name in created)
            {
                await DuckDb.ExecuteAsync(_connection, $"DROP TABLE IF EXISTS temp.{Sql.Identifier(name)}", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Parses and binds <paramref name="sql"/> without running it: <c>PREPARE</c>, then <c>DEALLOCATE</c> (the caller holds the lock).</summary>
    /// <exception cref="DatasetException">It does not parse or bind.</exception>
    private async Task BindAsync(string sql, CancellationToken cancellationToken)
    {
        const string Name = ReservedPrefix + "_bind";
        try
        {
            await DuckDb.ExecuteAsync(_connection, $"PREPARE {Name} AS {sql}", cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }

        await DuckDb.ExecuteAsync(_connection, $"DEALLOCATE {Name}", CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the DuckDB connection while holding the context's lock: for library code that
    /// drives DuckDB directly, such as the TPC-H runner (Ppml.Data.Tpch), which reads result types DuckDB.NET's
    /// reader does not keep. The connection is the context's own: the action must not close it, change its settings
    /// or keep it after returning. Failed queries throw <see cref="DuckDBException"/>; describe them with
    /// <see cref="DuckDbQueryErrors.Reason"/>, never with the exception's message (it may quote row data).
    /// </summary>
    /// <typeparam name="T">The action's result.</typeparam>
    /// <param name="action">The work to do on the connection; receives <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock, and is passed to the action.</param>
    /// <returns>What <paramref name="action"/> returned.</returns>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public async Task<T> WithConnectionAsync<T>(Func<DuckDBConnection, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await action(_connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The read options with <see cref="PpmlContextOptions.RequireEncryptedInputs"/> applied.</summary>
    private DatasetReadOptions Effective(DatasetReadOptions options) =>
        Options.RequireEncryptedInputs && !options.RequireEncrypted
            ? new DatasetReadOptions { HasHeader = options.HasHeader, Delimiter = options.Delimiter, Schema = options.Schema, RequireEncrypted = true }
            : options;

    private async Task<TableInfo> RegisterCoreAsync(
        string name,
        string fullPath,
        DatasetFormat format,
        DatasetReadOptions options,
        Func<DatasetReadOptions, CancellationToken, Task<IReadOnlyList<DatasetPart>>> resolve,
        CancellationToken cancellationToken)
    {
        if (name.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Table names starting with '{ReservedPrefix}' are reserved.", nameof(name));
        }

        long started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Transport == DecryptedInputTransport.MemoryFile)
            {
                var request = new TableRequest(name, fullPath, format, options, []);
                IReadOnlyList<TableInfo> loaded = await LoadAsync([request], (_, token) => resolve(options, token), progress: null, cancellationToken).ConfigureAwait(false);
                return loaded[0];
            }

            IReadOnlyList<DatasetPart> parts = await resolve(options, cancellationToken).ConfigureAwait(false);
            await AppenderLoader.LoadAsync(_connection, _kms, name, fullPath, parts, format, options, cancellationToken).ConfigureAwait(false);
            return await DescribeLoadAsync(name, fullPath, format, parts, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts the new table's rows and records it (the caller holds the lock).</summary>
    private async Task<TableInfo> DescribeLoadAsync(
        string name, string fullPath, DatasetFormat format, IReadOnlyList<DatasetPart> parts, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        object? count = await DuckDb.ScalarAsync(_connection, $"SELECT count(*) FROM {Sql.Identifier(name)}", cancellationToken).ConfigureAwait(false);
        var info = new TableInfo(
            name,
            fullPath,
            format,
            parts.Count,
            parts.Count(p => p.Protection != PartProtection.None),
            Convert.ToInt64(count, CultureInfo.InvariantCulture),
            parts.Sum(p => p.Length),
            InputTransport,
            elapsed);
        _tables[name] = info;
        return info;
    }

    /// <summary>The parts of <paramref name="request"/> (its files, or the files of its path), with the context's read options applied.</summary>
    private Task<IReadOnlyList<DatasetPart>> ResolveAsync(TableRequest request, CancellationToken cancellationToken) =>
        request.Files.Count > 0
            ? DatasetParts.ResolveFilesAsync([.. request.Files.Select(Path.GetFullPath)], request.Format, Effective(request.Options), cancellationToken)
            : DatasetParts.ResolveAsync(Path.GetFullPath(request.Path), request.Format, Effective(request.Options), cancellationToken);

    /// <summary>Loads <paramref name="requests"/> through memory files (<see cref="TableLoadPipeline"/>); the caller holds the lock.</summary>
    private Task<IReadOnlyList<TableInfo>> LoadAsync(
        IReadOnlyList<TableRequest> requests,
        Func<TableRequest, CancellationToken, Task<IReadOnlyList<DatasetPart>>> resolve,
        IProgress<TableInfo>? progress,
        CancellationToken cancellationToken) =>
        TableLoadPipeline.RunAsync(
            _connection,
            _kms,
            requests,
            resolve,
            options => options,
            (request, parts, elapsed, token) => DescribeLoadAsync(request.Name, Path.GetFullPath(request.Path), request.Format, parts, elapsed, token),
            Options.LoadChunkBytes,
            Options.MaxDegreeOfParallelism,
            progress,
            cancellationToken);

    /// <summary>
    /// Keeps registered tables as an encrypted DuckDB database file, so that a later session can
    /// <see cref="AttachTablesAsync"/> them instead of parsing the inputs again. The database is built in memory files
    /// (never on disk) by a private DuckDB instance and encrypted under a fresh data key wrapped by the KMS key
    /// (<see cref="SaveTablesOptions.KeyName"/>); the output appears whole or not at all.
    /// </summary>
    /// <param name="output">The encrypted database file to write (by convention <c>NAME.duckdb.ppml</c>).</param>
    /// <param name="options">Which tables, the key, overwrite, and a manifest; <see langword="null"/> for every table under the default key.</param>
    /// <param name="cancellationToken">Cancels the save; nothing is written.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">A table is not registered, or none is.</exception>
    /// <exception cref="IOException"><paramref name="output"/> exists and overwriting is off.</exception>
    public async Task<SavedTables> SaveTablesAsync(string output, SaveTablesOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        options ??= new SaveTablesOptions();
        long started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            IReadOnlyList<string> tables = options.Tables ?? [.. _tables.Keys.Order(StringComparer.Ordinal)];
            if (tables.Count == 0)
            {
                throw new ArgumentException("There are no registered tables to save.", nameof(options));
            }

            foreach (string table in tables.Where(t => !_tables.ContainsKey(t)))
            {
                throw new ArgumentException($"Table '{table}' is not registered in this context.", nameof(options));
            }

            string fullPath = Path.GetFullPath(output);
            long bytes = await SavedDatabase.SaveAsync(
                _kms, SavedDatabase.CopyTables(_connection, tables), options.Manifest, fullPath, options.KeyName ?? Options.DefaultKeyName, options.Overwrite, cancellationToken).ConfigureAwait(false);
            return new SavedTables(fullPath, tables, bytes, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Loads datasets straight into an encrypted saved database (as <see cref="SaveTablesAsync(string, SaveTablesOptions?, CancellationToken)"/>
    /// writes) without loading them into this context: a private DuckDB instance parses the decrypted inputs (bounded
    /// chunks for CSV and .tbl, as <see cref="RegisterTablesAsync"/> does) into its database, which DuckDB keeps compressed
    /// in a memory file and writes as it goes, so a dataset larger than memory as tables becomes a saved database of a few
    /// times less. <see cref="AttachTablesAsync"/> then makes the tables queryable. The context's encryption requirement
    /// applies to the inputs.
    /// </summary>
    /// <param name="sources">The datasets, one table each.</param>
    /// <param name="output">The encrypted database file to write.</param>
    /// <param name="options">The key, overwrite and manifest (<see cref="SaveTablesOptions.Tables"/> is not used).</param>
    /// <param name="progress">Receives each table as soon as it is built.</param>
    /// <param name="cancellationToken">Cancels the build; nothing is written.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="DatasetException">A part is missing, malformed, wrongly keyed, tampered with, or plain when encryption is required.</exception>
    public async Task<SavedTables> SaveTablesAsync(
        IReadOnlyList<TableRequest> sources, string output, SaveTablesOptions? options = null, IProgress<TableInfo>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrEmpty(output);
        options ??= new SaveTablesOptions();
        if (Transport != DecryptedInputTransport.MemoryFile)
        {
            throw new PlatformNotSupportedException("Saving tables straight from their inputs needs memory files (Linux).");
        }

        long started = Stopwatch.GetTimestamp();
        string fullPath = Path.GetFullPath(output);
        long bytes = await SavedDatabase.SaveAsync(
            _kms,
            (builder, token) => TableLoadPipeline.RunAsync(
                builder,
                _kms,
                sources,
                ResolveAsync,
                readOptions => readOptions,
                async (request, parts, elapsed, cancel) =>
                {
                    object? rows = await DuckDb.ScalarAsync(builder, $"SELECT count(*) FROM {Sql.Identifier(request.Name)}", cancel).ConfigureAwait(false);
                    return new TableInfo(request.Name, Path.GetFullPath(request.Path), request.Format, parts.Count, parts.Count(p => p.Protection != PartProtection.None), Convert.ToInt64(rows, CultureInfo.InvariantCulture), parts.Sum(p => p.Length), InputTransport, elapsed);
                },
                Options.LoadChunkBytes,
                Options.MaxDegreeOfParallelism,
                progress,
                token),
            options.Manifest,
            fullPath,
            options.KeyName ?? Options.DefaultKeyName,
            options.Overwrite,
            cancellationToken).ConfigureAwait(false);
        return new SavedTables(fullPath, [.. sources.Select(s => s.Name)], bytes, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Makes the tables of a database written by <see cref="SaveTablesAsync(string, SaveTablesOptions?, CancellationToken)"/> queryable under their own names (each a
    /// view over the read-only attached database, replacing a table of the same name): the container is decrypted and
    /// authenticated into a memory file that DuckDB reads blocks from on demand, so nothing is parsed and the tables stay
    /// compressed. When <paramref name="expectedManifest"/> is given and the saved manifest differs in any of its keys,
    /// nothing is attached and the result is <see langword="null"/> (the saved tables are stale).
    /// </summary>
    /// <param name="path">The encrypted database file.</param>
    /// <param name="expectedManifest">Pairs the saved manifest must hold; <see langword="null"/> to accept any.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>What was attached, or <see langword="null"/> when the manifest did not match.</returns>
    /// <exception cref="DatasetException">The file is missing, not a container, wrongly keyed or tampered with, or not a DuckDB database.</exception>
    public async Task<AttachedTables?> AttachTablesAsync(
        string path, IReadOnlyDictionary<string, string>? expectedManifest = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new DatasetException($"Saved tables '{fullPath}' do not exist.", fullPath, line: null);
        }

        long started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            string alias = string.Create(CultureInfo.InvariantCulture, $"{ReservedPrefix}_saved_{_attached.Count}");
            (MemoryFile file, IReadOnlyDictionary<string, string> manifest, IReadOnlyList<(string Table, long Rows)> tables) =
                await SavedDatabase.AttachAsync(_connection, _kms, fullPath, alias, cancellationToken).ConfigureAwait(false);
            if (expectedManifest is not null && expectedManifest.Any(e => !manifest.TryGetValue(e.Key, out string? value) || value != e.Value))
            {
                await DuckDb.ExecuteAsync(_connection, $"DETACH {Sql.Identifier(alias)}", CancellationToken.None).ConfigureAwait(false);
                file.Dispose();
                return null;
            }

            _attached.Add(file);
            long bytes = RandomAccess.GetLength(file.Handle);
            var infos = new List<TableInfo>(tables.Count);
            foreach ((string table, long rows) in tables)
            {
                string name = Sql.Identifier(table);
                await DuckDb.ExecuteAsync(_connection, $"DROP TABLE IF EXISTS main.{name}", cancellationToken).ConfigureAwait(false);
                await DuckDb.ExecuteAsync(_connection, $"CREATE OR REPLACE VIEW main.{name} AS SELECT * FROM {Sql.Identifier(alias)}.main.{name}", cancellationToken).ConfigureAwait(false);
                DatasetFormat format = manifest.TryGetValue("format." + table, out string? saved) && Enum.TryParse(saved, out DatasetFormat parsed) ? parsed : DatasetFormat.Parquet;
                var info = new TableInfo(table, fullPath, format, 1, 1, rows, bytes, "saved", Stopwatch.GetElapsedTime(started));
                _tables[table] = info;
                infos.Add(info);
            }

            return new AttachedTables(fullPath, infos, manifest, bytes, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="sql"/> (DuckDB dialect) and returns all its rows.</summary>
    /// <param name="sql">One statement; a query returns its rows, other statements an empty result.</param>
    /// <param name="cancellationToken">Cancels before the statement runs.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DatasetException">The SQL is invalid or fails (the message is DuckDB's first line, with literals masked for data errors).</exception>
    public async Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        QueryReader reader = await ExecuteReaderAsync(sql, cancellationToken).ConfigureAwait(false);
        using (reader)
        {
            var rows = new List<IReadOnlyList<object?>>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                object?[] values = new object?[reader.Columns.Count];
                reader.GetValues(values);
                rows.Add(values);
            }

            return new QueryResult(reader.Columns, rows);
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and streams its rows. The context runs nothing else until the reader is disposed.
    /// </summary>
    /// <param name="sql">One statement.</param>
    /// <param name="cancellationToken">Cancels before the statement runs.</param>
    /// <returns>The reader; dispose it.</returns>
    /// <exception cref="DatasetException">The SQL is invalid or fails.</exception>
    public async Task<QueryReader> ExecuteReaderAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        DuckDBCommand? command = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            command = _connection.CreateCommand();
            command.CommandText = sql;
            command.UseStreamingMode = true;
            DuckDBDataReader reader = await Task.Run(command.ExecuteReader, cancellationToken).ConfigureAwait(false);
            return new QueryReader(command, reader, () => _gate.Release());
        }
        catch (DuckDBException exception)
        {
            command?.Dispose();
            _gate.Release();
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }
        catch
        {
            command?.Dispose();
            _gate.Release();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and writes its rows to <paramref name="path"/> — encrypted by default (see
    /// <see cref="DatasetWriteOptions.Encrypt"/>) — atomically: a single file through a temporary file that is flushed
    /// and renamed, a directory of parts (<see cref="DatasetWriteOptions.RowsPerPart"/>) through a staging directory.
    /// On any failure nothing is left at <paramref name="path"/>.
    /// </summary>
    /// <param name="sql">A query.</param>
    /// <param name="path">The output file (or directory of parts). Nothing is appended to the name.</param>
    /// <param name="format">CSV, JSON (lines) or Parquet.</param>
    /// <param name="options">Encryption, key, overwrite and layout; <see langword="null"/> for the defaults (encrypted).</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left behind.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="DatasetException">The SQL fails, or the output exists and <see cref="DatasetWriteOptions.Overwrite"/> is off.</exception>
    public async Task<WriteResult> WriteAsync(
        string sql, string path, DatasetFormat format, DatasetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (format is not (DatasetFormat.Csv or DatasetFormat.Json or DatasetFormat.Parquet))
        {
            throw new ArgumentException($"Results are written as CSV, JSON or Parquet, not {format}.", nameof(format));
        }

        options ??= new DatasetWriteOptions();
        if (options.RowsPerPart is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RowsPerPart, "DatasetWriteOptions.RowsPerPart must be at least 1.");
        }

        string fullPath = Path.GetFullPath(path);
        if (!options.Overwrite && (File.Exists(fullPath) || Directory.Exists(fullPath)))
        {
            throw new DatasetException($"Output '{fullPath}' already exists; set Overwrite (--force) to replace it.", fullPath, line: null);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await ResultWriter.WriteAsync(_connection, _kms, sql, fullPath, format, options, options.KeyName ?? Options.DefaultKeyName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and streams its rows to <paramref name="output"/> as text: CSV (header, then RFC 4180
    /// rows) or JSON lines (one object per row). The text is plaintext: for a console or a pipe the caller chose.
    /// </summary>
    /// <param name="sql">A query.</param>
    /// <param name="output">Receives the rows; flushed at the end, not disposed.</param>
    /// <param name="format">CSV or JSON.</param>
    /// <param name="options">The CSV header and delimiter (<see cref="DatasetWriteOptions.Header"/>, <see cref="DatasetWriteOptions.Delimiter"/>); the other settings do not apply. <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the query; rows already written stay written.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not CSV or JSON.</exception>
    /// <exception cref="DatasetException">The SQL fails.</exception>
    public async Task<long> WriteTextAsync(string sql, TextWriter output, DatasetFormat format, DatasetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(output);
        if (format is not (DatasetFormat.Csv or DatasetFormat.Json))
        {
            throw new ArgumentException($"Results are written as text in CSV or JSON, not {format}.", nameof(format));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await ResultWriter.WriteTextAsync(_connection, sql, output, format, options ?? new DatasetWriteOptions(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees DuckDB's memory (the tables) and deletes the spill directory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection.Dispose(); // DuckDB closes and deletes its temporary files first
        foreach (MemoryFile file in _attached)
        {
            file.Dispose();
        }

        _spill?.Dispose();
        _gate.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
