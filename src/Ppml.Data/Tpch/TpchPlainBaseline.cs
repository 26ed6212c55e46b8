using DuckDB.NET.Data;

namespace Ppml.Data.Tpch;

/// <summary>
/// The plaintext baseline of the TPC-H benchmark: what a user without PPML would do. An in-memory DuckDB (default
/// settings) reads the plaintext .tbl files itself with <c>read_csv</c> (<see cref="TpchDuckDb.LoadDirectoryAsync"/>),
/// then the same <see cref="TpchRunner"/> runs the queries. No <see cref="PpmlContext"/>, no memory files, no
/// decryption: the encrypted run is compared against this.
/// </summary>
public static class TpchPlainBaseline
{
    /// <summary>Loads the plaintext dataset in <paramref name="directory"/> and runs <paramref name="queries"/>.</summary>
    /// <param name="directory">A directory of dbgen files: <c>name.tbl</c>, or <c>name.tbl.1</c>, <c>name.tbl.2</c>, ….</param>
    /// <param name="queries">Query numbers 1..22 (default: all).</param>
    /// <param name="scaleFactor">The data's scale factor.</param>
    /// <param name="progress">Receives each result as soon as its query finishes.</param>
    /// <param name="timeProvider">The clock for timings (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Load time, rows per table and the query results.</returns>
    /// <exception cref="FileNotFoundException">A table has no file in <paramref name="directory"/>.</exception>
    /// <exception cref="TpchFormatException">A file is not a .tbl file of its table.</exception>
    /// <exception cref="DatasetException">A query failed.</exception>
    public static async Task<TpchBaselineResult> RunAsync(
        string directory,
        IEnumerable<int>? queries = null,
        double scaleFactor = 1,
        IProgress<TpchQueryResult>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        timeProvider ??= TimeProvider.System;
        int[] numbers = [.. queries ?? TpchQueries.All];
        foreach (int number in numbers)
        {
            _ = TpchQueries.Get(number, scaleFactor);
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        await Task.Run(connection.Open, cancellationToken).ConfigureAwait(false);
        long started = timeProvider.GetTimestamp();
        IReadOnlyDictionary<TpchTable, long> rows = await TpchDuckDb.LoadDirectoryAsync(connection, directory, cancellationToken: cancellationToken).ConfigureAwait(false);
        TimeSpan load = timeProvider.GetElapsedTime(started);
        IReadOnlyList<TpchQueryResult> results = await TpchDataset.RunAsync(connection, numbers, scaleFactor, progress, timeProvider, cancellationToken).ConfigureAwait(false);
        return new TpchBaselineResult(load, rows, results);
    }
}
