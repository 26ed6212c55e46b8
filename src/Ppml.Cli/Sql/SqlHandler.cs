using System.Text.Json;
using Ppml.Data;
using Ppml.Data.Tables;
using Ppml.Workloads;
using Ppml.Workloads.Data;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Sql;

/// <summary>
/// <c>ppml sql</c>: reads <c>--table NAME=PATH[:FORMAT]</c> and <c>--option NAME.KEY=VALUE</c> (<see cref="TableSources"/>),
/// runs <see cref="SqlWorkload"/> and prints the answer on stdout (a table, CSV, or JSON lines), or the file it wrote to
/// <c>--out</c> (a line, or one JSON object with <c>--json</c>); table-loaded lines and errors go to stderr.
/// </summary>
internal sealed class SqlHandler(CliContext context)
{
    public async Task<int> RunAsync(
        string query, IReadOnlyList<string> tables, IReadOnlyList<string> tableOptions, string? output, string? format, bool json, bool encrypt, bool requireEncrypted, bool force,
        int maxRows, KmsTarget kms, string? keyName, string? memoryLimit, CancellationToken cancellationToken)
    {
        // '--out -' is standard output: the same as no --out (issue 11); never a file named '-'.
        output = Ppml.Core.IO.OutputTarget.IsStandardStream(output) ? null : output;
        if (string.IsNullOrWhiteSpace(query))
        {
            throw CliException.Usage("The SQL query is empty; give a statement, for example: ppml sql \"SELECT 42\".");
        }

        if (maxRows < 1)
        {
            throw CliException.Usage($"--max-rows {maxRows}: give at least 1.");
        }

        IReadOnlyList<TableSource> sources = TableSources.Parse(tables, tableOptions, requireEncrypted, context.ResolvePath, "--table", "--option");
        DatasetFormat? requested = format is null or "table" ? null
            : DatasetFormats.TryParse(format) is DatasetFormat.Csv or DatasetFormat.Json or DatasetFormat.Parquet ? DatasetFormats.TryParse(format)
            : throw CliException.Usage($"--format '{format}' is not one of csv, json, parquet, table.");
        if (json && output is null && format is not null && requested != DatasetFormat.Json)
        {
            throw CliException.Usage($"--json prints the rows as JSON lines; it cannot be combined with --format {format} without --out.");
        }

        if (output is null && (requested == DatasetFormat.Parquet || encrypt))
        {
            throw CliException.Usage(encrypt
                ? "--encrypt needs --out PATH; without --out the rows are printed in plain text."
                : "--format parquet needs --out PATH; stdout takes table, csv or json.");
        }

        // Without --out: rows as text on stdout (csv/json streamed, table rendered); with --out: a file and one line about it.
        DatasetFormat? printed = output is null && (json || requested is not null) ? requested ?? DatasetFormat.Json : null;
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        var options = new SqlWorkloadOptions
        {
            Query = query,
            Tables = sources,
            Output = output is null ? null : context.ResolvePath(output),
            OutputWriter = printed is null ? null : context.Output,
            OutputFormat = printed ?? requested,
            Encrypt = encrypt,
            KeyName = keyName,
            Overwrite = force,
            MemoryLimit = memoryLimit,
        };
        SqlWorkloadResult result = await SqlWorkload.RunAsync(session, options, new TableReporter(context.Error), cancellationToken);
        await context.Error.WriteLineAsync(MemoryLine.Describe(result.MemoryLimitBytes, result.Footprint));
        if (result.TextRows is not null)
        {
            await context.Output.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        }

        if (result.Written is not { } written)
        {
            await context.Output.WriteAsync(result.Rows!.ToTableString(maxRows));
            return ExitCodes.Success;
        }

        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(SqlReport.From(result, written), CliJsonContext.Default.SqlReport));
            return ExitCodes.Success;
        }

        string encryption = written.IsEncrypted ? $", encrypted with key '{result.KeyName}'" : ", NOT encrypted";
        await context.Output.WriteLineAsync($"Wrote {written.Rows} row(s) as {written.Format.ToString().ToUpperInvariant()}{encryption}: {written.Path}");
        return ExitCodes.Success;
    }

    /// <summary>One stderr line per loaded table, as it is loaded (only the tables the query references are).</summary>
    private sealed class TableReporter(TextWriter error) : IProgress<TableInfo>
    {
        public void Report(TableInfo value) =>
            error.WriteLine($"ppml: table {value.Name}: {value.Rows} rows from {value.Parts} part(s), {value.EncryptedParts} encrypted ({value.Transport}, {value.Elapsed.TotalMilliseconds:0} ms)");
    }
}
