using Ppml.Core.Diagnostics;
using Ppml.Core;
using Ppml.Data;
using Ppml.Data.Tables;

namespace Ppml.Workloads.Data;

/// <summary>
/// SQL over protected datasets as one attested workload (<c>ppml sql</c>): registers the tables in a context of the
/// session (encrypted parts decrypted in memory only), runs the query, and returns its rows or writes them (CSV, JSON
/// lines or Parquet; encrypted as PPML containers or with Parquet modular encryption), or prints them as CSV or JSON lines
/// to a text writer. The query is parsed and bound before any table is read, and only the tables it references are
/// loaded (<see cref="PpmlContext.RegisterTablesForQueryAsync"/>).
/// </summary>
public static class SqlWorkload
{
    /// <summary>Runs <paramref name="options"/> in <paramref name="session"/>.</summary>
    /// <param name="session">The workload session (the keys).</param>
    /// <param name="options">The tables, the query and the output.</param>
    /// <param name="tableLoaded">Hears each table as it is loaded (only the tables the query references are).</param>
    /// <param name="cancellationToken">Cancels the work; a cancelled write leaves nothing behind.</param>
    /// <returns>The tables, and the rows or the file written.</returns>
    /// <exception cref="WorkloadException">The query is empty, the output format is not CSV, JSON or Parquet, or text output was asked as Parquet or encrypted (invalid input).</exception>
    /// <exception cref="DatasetException">The query does not parse or bind (before any table with a known schema is loaded), a table could not be loaded, the query failed, or the output could not be written.</exception>
    public static async Task<SqlWorkloadResult> RunAsync(
        PpmlSession session, SqlWorkloadOptions options, IProgress<TableInfo>? tableLoaded = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        DatasetFormat? format = options.Output is null
            ? options.OutputWriter is null ? null : options.OutputFormat ?? DatasetFormat.Csv
            : options.OutputFormat ?? DatasetFormats.Infer(options.Output) ?? DatasetFormat.Csv;
        if (format is not (null or DatasetFormat.Csv or DatasetFormat.Json or DatasetFormat.Parquet))
        {
            throw new WorkloadException($"Results are written as csv, json or parquet, not {DatasetFormats.GetName(format.Value)}.", isInvalidInput: true);
        }

        if (options.Output is null && options.OutputWriter is not null && (format == DatasetFormat.Parquet || options.Encrypt))
        {
            throw new WorkloadException("Results printed as text are csv or json and plain; write parquet or encrypted results to an output file.", isInvalidInput: true);
        }

        if (string.IsNullOrWhiteSpace(options.Query))
        {
            throw new WorkloadException("The SQL query is empty; give a statement, for example SELECT 42.", isInvalidInput: true);
        }

        var monitor = new FootprintMonitor();
        await using (monitor.ConfigureAwait(false))
        {
            SqlWorkloadResult result = await RunInContextAsync(session, options, format, tableLoaded, cancellationToken).ConfigureAwait(false);
            return result with { Footprint = monitor.GetReport() };
        }
    }

    private static async Task<SqlWorkloadResult> RunInContextAsync(
        PpmlSession session, SqlWorkloadOptions options, DatasetFormat? format, IProgress<TableInfo>? tableLoaded, CancellationToken cancellationToken)
    {
        PpmlContext context = await session.OpenContextAsync(options.MemoryLimit, cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Parse and bind first, then load only what the query references (issue 11).
            TableRequest[] declared = [.. options.Tables.Select(t => new TableRequest(t.Name, t.Path, t.Format, t.ReadOptions, []))];
            IReadOnlyList<TableInfo> tables = await context.RegisterTablesForQueryAsync(options.Query, declared, tableLoaded, cancellationToken).ConfigureAwait(false);
            if (options.Output is null && options.OutputWriter is { } writer)
            {
                long rows = await context.WriteTextAsync(options.Query, writer, format!.Value, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new SqlWorkloadResult(tables, Rows: null, Written: null, KeyName: null, TextRows: rows) { MemoryLimitBytes = context.MemoryLimitBytes };
            }

            if (options.Output is null)
            {
                QueryResult rows = await context.QueryAsync(options.Query, cancellationToken).ConfigureAwait(false);
                return new SqlWorkloadResult(tables, rows, Written: null, KeyName: null) { MemoryLimitBytes = context.MemoryLimitBytes };
            }

            string output = WithContainerName(options.Output, format!.Value, options.Encrypt);
            var write = new DatasetWriteOptions { Encrypt = options.Encrypt, KeyName = options.KeyName, Overwrite = options.Overwrite };
            WriteResult written = await context.WriteAsync(options.Query, output, format.Value, write, cancellationToken).ConfigureAwait(false);
            return new SqlWorkloadResult(tables, Rows: null, written, written.IsEncrypted ? options.KeyName ?? session.DefaultKeyName : null) { MemoryLimitBytes = context.MemoryLimitBytes };
        }
    }

    /// <summary>An encrypted CSV or JSON output is a PPML container, named so (Parquet keeps its name: its encryption is inside the format).</summary>
    internal static string WithContainerName(string output, DatasetFormat format, bool encrypt) =>
        encrypt && format != DatasetFormat.Parquet && !output.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal)
            ? output + PpmlFileNames.ContainerExtension
            : output;
}
