using Ppml.Data;
using Ppml.Data.Tables;
using Ppml.Workloads;
using Ppml.Workloads.Data;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Sql;

/// <summary>
/// <c>ppml sql</c>: reads <c>--table NAME=PATH[:FORMAT]</c> and <c>--option NAME.KEY=VALUE</c> (<see cref="TableSources"/>),
/// runs <see cref="SqlWorkload"/> and prints the answer as a table, or the file it wrote to <c>--out</c>.
/// </summary>
internal sealed class SqlHandler(CliContext context)
{
    public async Task<int> RunAsync(
        string query, IReadOnlyList<string> tables, IReadOnlyList<string> tableOptions, string? output, string? format, bool encrypt, bool requireEncrypted, bool force,
        int maxRows, KmsTarget kms, string? keyName, CancellationToken cancellationToken)
    {
        // '--out -' is standard output: the same as no --out (issue 11); never a file named '-'.
        output = Ppml.Core.IO.OutputTarget.IsStandardStream(output) ? null : output;
        IReadOnlyList<TableSource> sources = TableSources.Parse(tables, tableOptions, requireEncrypted, context.ResolvePath, "--table", "--option");
        DatasetFormat? requested = format is null or "table" ? null
            : DatasetFormats.TryParse(format) ?? throw CliException.Usage($"--format '{format}' is not one of csv, json, parquet, table.");
        if (output is null && (requested is not null || encrypt))
        {
            throw CliException.Usage(encrypt && requested is null
                ? "--encrypt needs --out PATH."
                : "--format csv|json|parquet needs --out PATH; without --out the result is printed as a table.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        var options = new SqlWorkloadOptions
        {
            Query = query, Tables = sources, Output = output is null ? null : context.ResolvePath(output), OutputFormat = requested, Encrypt = encrypt, KeyName = keyName, Overwrite = force,
        };
        SqlWorkloadResult result = await SqlWorkload.RunAsync(session, options, new TableReporter(context.Error), cancellationToken);
        if (result.Written is not { } written)
        {
            await context.Output.WriteAsync(result.Rows!.ToTableString(maxRows));
            return ExitCodes.Success;
        }

        string encryption = written.IsEncrypted ? $", encrypted with key '{result.KeyName}'" : ", NOT encrypted";
        await context.Output.WriteLineAsync($"Wrote {written.Rows} row(s) as {written.Format.ToString().ToUpperInvariant()}{encryption}: {written.Path}");
        return ExitCodes.Success;
    }

    /// <summary>One stderr line per registered table, as it is registered.</summary>
    private sealed class TableReporter(TextWriter error) : IProgress<TableInfo>
    {
        public void Report(TableInfo value) =>
            error.WriteLine($"ppml: table {value.Name}: {value.Rows} rows from {value.Parts} part(s), {value.EncryptedParts} encrypted ({value.Transport}, {value.Elapsed.TotalMilliseconds:0} ms)");
    }
}
