using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ppml.Cli.Output;
using Ppml.Core.IO;
using Ppml.Data;
using Ppml.Data.Tpch;
using Ppml.Kms;
using Ppml.Kms.Envelope;

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
        IReadOnlyList<int> queries = TpchQueryList.Parse(options.Queries);
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
        TpchRunSummary summary = await ExecuteAsync(
            _context, session.Context, dataset, queries, options.ScaleFactor, options.RequireEncrypted, cancellationToken, finishedOnStderr: options.Json);

        string? keyName = output is not null && options.Encrypt ? options.KeyName ?? session.DefaultKey : null;
        if (output is not null)
        {
            await WriteResultsAsync(summary.Results, output, keyName is null ? null : (session.Kms, keyName), options.Force, cancellationToken);
        }

        if (options.Json)
        {
            await _context.Output.WriteLineAsync(JsonSerializer.Serialize(summary.ToReport(output, keyName), CliJsonContext.Default.TpchRunReport));
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

    /// <summary>
    /// Registers the dataset's tables, finds the scale factor (from SUPPLIER unless given), runs the queries and prints
    /// <c>N finished</c> on stdout (stderr with <paramref name="finishedOnStderr"/>, when stdout carries JSON) as each
    /// ends; per-table and per-query details go to stderr.
    /// </summary>
    internal static async Task<TpchRunSummary> ExecuteAsync(
        CliContext cli,
        PpmlContext context,
        TpchDataset dataset,
        IReadOnlyList<int> queries,
        double? scaleFactor,
        bool requireEncrypted,
        CancellationToken cancellationToken,
        bool finishedOnStderr = false)
    {
        long started = cli.TimeProvider.GetTimestamp();
        IReadOnlyList<TableInfo> tables = await dataset.RegisterAsync(
            context, requireEncrypted, new TableReporter(cli.Error), cancellationToken);
        TimeSpan load = cli.TimeProvider.GetElapsedTime(started);
        double sf = scaleFactor ?? await TpchDataset.DetectScaleFactorAsync(context, cancellationToken);
        await cli.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"ppml: TPC-H scale factor {sf}{(scaleFactor is null ? " (from the size of supplier)" : string.Empty)}; running {queries.Count} quer{(queries.Count == 1 ? "y" : "ies")}"));

        long queriesStarted = cli.TimeProvider.GetTimestamp();
        IReadOnlyList<TpchQueryResult> results = await TpchDataset.RunQueriesAsync(
            context, queries, sf, new FinishedReporter(cli, finishedOnStderr ? cli.Error : cli.Output), cli.TimeProvider, cancellationToken);
        return new TpchRunSummary(tables, sf, load, results, cli.TimeProvider.GetElapsedTime(queriesStarted));
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

    /// <summary>
    /// Writes every result into a staging directory (each file through a temporary file flushed to disk), then moves
    /// the directory into place: readers see all the answers or none.
    /// </summary>
    internal static async Task WriteResultsAsync(
        IReadOnlyList<TpchQueryResult> results,
        string output,
        (IKeyManagementService Kms, string KeyName)? encryption,
        bool force,
        CancellationToken cancellationToken)
    {
        string staging = $"{output.TrimEnd(Path.DirectorySeparatorChar)}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        Directory.CreateDirectory(staging);
        try
        {
            if (encryption is not { } keys)
            {
                await TpchResultWriter.WriteCsvFilesAsync(results, staging, cancellationToken);
            }
            else
            {
                foreach (TpchQueryResult result in results)
                {
                    string path = Path.Combine(staging, TpchResultWriter.GetFileName(result.Query) + CryptHandler.Extension);
                    await AtomicFile.WriteAsync(
                        path,
                        async (file, token) =>
                        {
                            await using var container = await EnvelopeEncryption.CreateWriteAsync(keys.Kms, keys.KeyName, file, leaveOpen: true, cancellationToken: token);
                            await TpchResultWriter.WriteCsvAsync(result, container, token);
                            await container.CompleteAsync(token);
                        },
                        overwrite: false,
                        cancellationToken: cancellationToken);
                }
            }

            if (Directory.Exists(output))
            {
                if (!force && Directory.EnumerateFileSystemEntries(output).Any())
                {
                    throw CliException.Failure($"Output '{output}' appeared while the queries ran; pass --force to replace it.");
                }

                string old = $"{output.TrimEnd(Path.DirectorySeparatorChar)}.old-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
                Directory.Move(output, old);
                Directory.Move(staging, output);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                Directory.Move(staging, output);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>One stderr line per loaded table.</summary>
    private sealed class TableReporter(TextWriter error) : IProgress<TableInfo>
    {
        public void Report(TableInfo value) =>
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: table {value.Name}: {value.Rows:N0} rows from {value.Parts} part(s), {value.EncryptedParts} encrypted ({value.Transport}, {value.Elapsed.TotalMilliseconds:0} ms)"));
    }

    /// <summary><c>N finished</c> on <paramref name="finished"/> as each query ends (BigDL's log line), its size and time on stderr.</summary>
    private sealed class FinishedReporter(CliContext cli, TextWriter finished) : IProgress<TpchQueryResult>
    {
        public void Report(TpchQueryResult value)
        {
            cli.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: query {value.Query}: {value.Rows.Count} row(s) in {value.Elapsed.TotalMilliseconds:0} ms"));
            finished.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Query} finished"));
        }
    }
}
