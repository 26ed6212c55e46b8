using DuckDB.NET.Data;

namespace Ppml.Data.Tpch;

/// <summary>
/// The plaintext baseline of the TPC-H benchmark: what a user without PPML would do. An in-memory DuckDB (default
/// settings) reads the plaintext .tbl files itself with <c>read_csv</c> (<see cref="TpchDuckDb.LoadDirectoryAsync"/>),
/// and the same <see cref="TpchRunner"/> runs the queries. No <see cref="PpmlContext"/>, no memory files, no
/// decryption: the encrypted run is compared against this. Dispose it to free the database.
/// </summary>
public sealed class TpchPlainBaseline : IAsyncDisposable
{
    private readonly DuckDBConnection _connection;

    private TpchPlainBaseline(DuckDBConnection connection, TimeSpan loadElapsed, IReadOnlyDictionary<TpchTable, long> rows)
    {
        _connection = connection;
        LoadElapsed = loadElapsed;
        Rows = rows;
    }

    /// <summary>Time to create and load the eight tables from the plaintext files.</summary>
    public TimeSpan LoadElapsed { get; }

    /// <summary>Rows loaded per table.</summary>
    public IReadOnlyDictionary<TpchTable, long> Rows { get; }

    /// <summary>Opens an in-memory DuckDB and loads the plaintext dataset in <paramref name="directory"/>.</summary>
    /// <param name="directory">A directory of dbgen files: <c>name.tbl</c>, or <c>name.tbl.1</c>, <c>name.tbl.2</c>, ….</param>
    /// <param name="timeProvider">The clock for the load time (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded baseline.</returns>
    /// <exception cref="FileNotFoundException">A table has no file in <paramref name="directory"/>.</exception>
    /// <exception cref="TpchFormatException">A file is not a .tbl file of its table.</exception>
    public static Task<TpchPlainBaseline> LoadAsync(string directory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        LoadAsync(directory, memoryLimit: null, timeProvider, cancellationToken);

    /// <summary>Opens an in-memory DuckDB with a memory limit and loads the plaintext dataset in <paramref name="directory"/>.</summary>
    /// <param name="directory">A directory of dbgen files: <c>name.tbl</c>, or <c>name.tbl.1</c>, <c>name.tbl.2</c>, ….</param>
    /// <param name="memoryLimit">DuckDB's <c>memory_limit</c> (for example <c>4GB</c>); <see langword="null"/> for DuckDB's default (80% of physical memory).</param>
    /// <param name="timeProvider">The clock for the load time (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded baseline.</returns>
    /// <exception cref="FileNotFoundException">A table has no file in <paramref name="directory"/>.</exception>
    /// <exception cref="TpchFormatException">A file is not a .tbl file of its table.</exception>
    /// <exception cref="ArgumentException">DuckDB refused <paramref name="memoryLimit"/>.</exception>
    public static async Task<TpchPlainBaseline> LoadAsync(string directory, string? memoryLimit, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        timeProvider ??= TimeProvider.System;
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await Task.Run(connection.Open, cancellationToken).ConfigureAwait(false);
            if (memoryLimit is not null)
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = "SET memory_limit = '" + memoryLimit.Replace("'", "''", StringComparison.Ordinal) + "'";
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DuckDBException exception)
                {
                    throw new ArgumentException($"DuckDB refused memory_limit '{memoryLimit}': {exception.Message.Split('\n')[0]}", nameof(memoryLimit), exception);
                }
            }

            long started = timeProvider.GetTimestamp();
            IReadOnlyDictionary<TpchTable, long> rows = await TpchDuckDb.LoadDirectoryAsync(connection, directory, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new TpchPlainBaseline(connection, timeProvider.GetElapsedTime(started), rows);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Loads the plaintext dataset in <paramref name="directory"/> and runs <paramref name="queries"/>.</summary>
    /// <param name="directory">A directory of dbgen files.</param>
    /// <param name="queries">Query numbers 1..22 (default: all).</param>
    /// <param name="scaleFactor">The data's scale factor.</param>
    /// <param name="progress">Receives each result as soon as its query finishes.</param>
    /// <param name="timeProvider">The clock for timings (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Load time, rows per table and the query results.</returns>
    public static async Task<TpchBaselineResult> RunAsync(
        string directory,
        IEnumerable<int>? queries = null,
        double scaleFactor = 1,
        IProgress<TpchQueryResult>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        int[] numbers = [.. queries ?? TpchQueries.All];
        foreach (int number in numbers)
        {
            _ = TpchQueries.Get(number, scaleFactor);
        }

        TpchPlainBaseline baseline = await LoadAsync(directory, timeProvider, cancellationToken).ConfigureAwait(false);
        await using (baseline.ConfigureAwait(false))
        {
            IReadOnlyList<TpchQueryResult> results = await baseline.RunQueriesAsync(numbers, scaleFactor, progress, timeProvider, cancellationToken).ConfigureAwait(false);
            return new TpchBaselineResult(baseline.LoadElapsed, baseline.Rows, results);
        }
    }

    /// <summary>Runs queries on the loaded tables, one at a time in the order given.</summary>
    /// <param name="queries">Query numbers 1..22.</param>
    /// <param name="scaleFactor">The data's scale factor.</param>
    /// <param name="progress">Receives each result as soon as its query finishes.</param>
    /// <param name="timeProvider">The clock for timings.</param>
    /// <param name="cancellationToken">Interrupts the running query.</param>
    /// <returns>One result per query.</returns>
    /// <exception cref="DatasetException">A query failed.</exception>
    public Task<IReadOnlyList<TpchQueryResult>> RunQueriesAsync(
        IEnumerable<int> queries, double scaleFactor, IProgress<TpchQueryResult>? progress = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return TpchDataset.RunAsync(_connection, [.. queries], scaleFactor, progress, timeProvider, cancellationToken);
    }

    /// <summary>DuckDB's effective memory limit in bytes, read back from DuckDB (to three significant digits).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The limit.</returns>
    public async Task<long> GetMemoryLimitBytesAsync(CancellationToken cancellationToken = default)
    {
        using DuckDBCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT current_setting('memory_limit')";
        object? setting = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return setting is string text && Ppml.Core.ByteSize.TryParse(text, out long bytes)
            ? bytes
            : throw new InvalidOperationException($"DuckDB reported memory_limit '{setting}', which is not a size.");
    }

    /// <summary>Closes the database.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
