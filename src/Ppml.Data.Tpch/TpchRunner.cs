using System.Globalization;
using DuckDB.NET.Data;

namespace Ppml.Data.Tpch;

/// <summary>Runs TPC-H queries on DuckDB and returns their answers as text, with timings.</summary>
internal static class TpchRunner
{
    /// <summary>Runs <paramref name="queries"/> (default: 1..22) in order on <paramref name="connection"/>.</summary>
    /// <param name="connection">An open connection holding the eight tables.</param>
    /// <param name="queries">Query numbers, 1..22.</param>
    /// <param name="scaleFactor">The scale factor of the data (Q11's FRACTION is 0.0001 / SF).</param>
    /// <param name="progress">Receives each result as soon as its query finishes.</param>
    /// <param name="timeProvider">The clock for timings (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="cancellationToken">Interrupts the running query and stops the run.</param>
    /// <returns>One result per query, in the order asked.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A query number is not 1..22.</exception>
    public static async Task<IReadOnlyList<TpchQueryResult>> RunAsync(
        DuckDBConnection connection,
        IEnumerable<int>? queries = null,
        double scaleFactor = 1,
        IProgress<TpchQueryResult>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        int[] numbers = [.. queries ?? TpchQueries.All];

        // Resolve every query before running any, so a bad number fails fast.
        string[] texts = [.. numbers.Select(query => TpchQueries.Get(query, scaleFactor))];
        var results = new List<TpchQueryResult>(numbers.Length);
        for (int i = 0; i < numbers.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TpchQueryResult result = await RunSqlAsync(connection, numbers[i], texts[i], timeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            progress?.Report(result);
        }

        return results;
    }

    private static async Task<TpchQueryResult> RunSqlAsync(
        DuckDBConnection connection,
        int query,
        string sql,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        // DuckDB.NET drops the scale of wide decimals (a DECIMAL(38,2) sum of 7.00 reads as 7): take each
        // column's declared type from DESCRIBE, which only plans the query, and print decimals with their scale.
        int[] scales = await DescribeDecimalScalesAsync(connection, sql, cancellationToken).ConfigureAwait(false);

        long started = timeProvider.GetTimestamp();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using CancellationTokenRegistration registration = cancellationToken.Register(command.Cancel);
        var reader = (DuckDBDataReader)await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            string[] columns = new string[reader.FieldCount];
            for (int i = 0; i < columns.Length; i++)
            {
                columns[i] = reader.GetName(i);
            }

            var rows = new List<IReadOnlyList<string>>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string[] row = new string[columns.Length];
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? string.Empty : Format(reader.GetValue(i), i < scales.Length ? scales[i] : -1);
                }

                rows.Add(row);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new TpchQueryResult(query, columns, rows, timeProvider.GetElapsedTime(started));
        }
    }

    /// <summary>The scale of each DECIMAL(p,s) column of <paramref name="sql"/>'s result, −1 for other types.</summary>
    private static async Task<int[]> DescribeDecimalScalesAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = "DESCRIBE " + sql.TrimEnd().TrimEnd(';');
        var scales = new List<int>();
        var reader = (DuckDBDataReader)await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                scales.Add(DecimalScale(reader.GetString(1)));
            }
        }

        return [.. scales];
    }

    /// <summary>The scale s of a DuckDB type name <c>DECIMAL(p,s)</c>, or −1.</summary>
    internal static int DecimalScale(string typeName)
    {
        if (!typeName.StartsWith("DECIMAL(", StringComparison.OrdinalIgnoreCase) || !typeName.EndsWith(')'))
        {
            return -1;
        }

        int comma = typeName.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 && int.TryParse(typeName.AsSpan(comma + 1, typeName.Length - comma - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int scale)
            ? scale
            : -1;
    }

    /// <summary>
    /// Renders a value culture-independently: dates as yyyy-MM-dd, decimals with <paramref name="decimalScale"/>
    /// fractional digits when known (otherwise as read), doubles round-trippable.
    /// </summary>
    internal static string Format(object value, int decimalScale = -1) => value switch
    {
        decimal number when decimalScale >= 0 =>
            decimal.Round(number, decimalScale).ToString("F" + decimalScale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        string text => text,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dateTime when dateTime.TimeOfDay == TimeSpan.Zero => dateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dateTime => dateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
