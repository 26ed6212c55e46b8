using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Data;
using Ppml.Data.Tpch;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch run</c>: loads a TPC-H dataset (plain or encrypted; see <see cref="TpchDataset"/> for the layouts) into a
/// <see cref="PpmlContext"/> — encrypted parts are decrypted in memory only — runs the queries, prints <c>N finished</c>
/// as each one ends (BigDL's TPC-H log), and with <c>--out</c> writes <c>qNN.csv</c> per query (header row, '|' between
/// fields; <c>qNN.csv.ppml</c> containers with <c>--encrypt</c>) into a directory that appears only when every query
/// succeeded.
/// </summary>
internal sealed class TpchRunHandler
{
    private readonly CliContext _context;

    public TpchRunHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record Options(
        string Data,
        string? Queries,
        double? ScaleFactor,
        string? Output,
        bool Encrypt,
        bool Force,
        bool RequireEncrypted,
        KmsTarget Kms,
        string? KeyName,
        bool Json = false);

    public async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> queries = TpchQuerySelection.Parse(options.Queries, "--queries");
        if (options.ScaleFactor is { } sf && (!double.IsFinite(sf) || sf <= 0))
        {
            throw CliException.Usage("--sf must be a positive number.");
        }

        string? output = options.Output is null ? null : _context.ResolvePath(options.Output);
        if (output is null && options.Encrypt)
        {
            throw CliException.Usage("--encrypt needs --out DIR.");
        }

        if (output is not null)
        {
            CheckResultsOutput(output, options.Force);
        }

        TpchDataset dataset = TpchDataset.Locate(_context.ResolvePath(options.Data));
        await using DataSession session = await DataSession.OpenAsync(_context, options.Kms, options.KeyName, cancellationToken);
        TpchRunSummary summary = await TpchSteps.ExecuteAsync(
            _context, session.Context, dataset, queries, options.ScaleFactor, options.RequireEncrypted, cancellationToken, finishedOnStderr: options.Json);

        string? keyName = output is not null && options.Encrypt ? options.KeyName ?? session.DefaultKey : null;
        if (output is not null)
        {
            await TpchResultWriter.WriteDirectoryAsync(summary.Results, output, keyName is null ? null : new TpchEncryption(session.Kms, keyName), options.Force, cancellationToken);
        }

        if (options.Json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(TpchRunReport.From(summary, output, keyName), CliJsonContext.Default.TpchRunReport));
        }
        else
        {
            string written = output is null ? string.Empty
                : keyName is null ? $"; results in {output}"
                : $"; results encrypted with key '{keyName}' in {output}";
            await _context.Output.WriteLineAsync(summary.Describe() + written);
        }

        return ExitCodes.Success;
    }

    /// <summary>Fails unless <paramref name="output"/> is absent, empty, or replaceable with --force.</summary>
    internal static void CheckResultsOutput(string output, bool force)
    {
        if (File.Exists(output))
        {
            throw CliException.Usage($"--out '{output}' is a file; give a directory for the qNN.csv files.");
        }

        if (!force && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw CliException.Failure($"Output '{output}' already exists and is not empty; pass --force to replace it.");
        }
    }
}
