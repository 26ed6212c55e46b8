using System.Globalization;
using Ppml.Cli.Output;
using Ppml.Data;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>
/// The TPC-H pieces <c>ppml tpch gen|run|bench</c>, <c>ppml examples tpch</c> and <c>ppml quickstart</c> share: option
/// validation with the CLI's messages, generation with a progress bar, and runs reporting <c>N finished</c>.
/// </summary>
internal static class TpchSteps
{
    /// <summary>The scale factor of <c>ppml examples tpch</c> and the quickstart.</summary>
    public const double DefaultScaleFactor = 0.01;

    /// <summary>Validated generation options (usage errors name the option).</summary>
    internal static TpchGenerationOptions CreateOptions(double scaleFactor, int parts, int? threads)
    {
        if (parts < 1)
        {
            throw CliException.Usage("--parts must be at least 1.");
        }

        if (threads is < 1)
        {
            throw CliException.Usage("--threads must be at least 1.");
        }

        var options = new TpchGenerationOptions
        {
            ScaleFactor = scaleFactor,
            Parts = parts,
            MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException exception) when (exception.ParamName == nameof(TpchGenerationOptions.ScaleFactor))
        {
            throw CliException.Usage($"--sf {scaleFactor.ToString(CultureInfo.InvariantCulture)}: {FirstSentence(exception.Message)}");
        }

        return options;
    }

    /// <summary>Fails unless <paramref name="output"/> is absent, empty, or (with --force) a TPC-H directory.</summary>
    internal static void CheckOutput(string output, bool force)
    {
        switch (TpchDatasetWriter.InspectOutput(output, out string? foreign))
        {
            case TpchOutputState.File:
                throw CliException.Usage($"--out '{output}' is a file; give a directory.");
            case TpchOutputState.TpchData or TpchOutputState.OtherData when !force:
                throw CliException.Failure($"Output '{output}' already exists and is not empty; pass --force to replace it.");
            case TpchOutputState.OtherData:
                throw CliException.Failure(
                    $"Output '{output}' holds '{foreign}', which is not a TPC-H table; --force replaces only a TPC-H data directory. Choose another --out.");
        }
    }

    /// <summary>Generates with a progress bar on stderr and returns the result and the wall time.</summary>
    internal static async Task<(TpchGenerationResult Result, TimeSpan Elapsed)> GenerateAsync(
        CliContext context,
        TpchGenerationOptions options,
        string output,
        TpchEncryption? encryption,
        bool force,
        CancellationToken cancellationToken)
    {
        long started = context.TimeProvider.GetTimestamp();
        using var progress = new TpchGenerationProgress(context, options, encryption is not null);
        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(options, output, encryption, force, progress, cancellationToken);
        return (result, context.TimeProvider.GetElapsedTime(started));
    }

    /// <summary>One line: what was generated, how fast, and whether it is encrypted.</summary>
    internal static string Describe(TpchGenerationResult result, TimeSpan elapsed, string? keyName)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Generated TPC-H SF {result.ScaleFactor}: {result.Rows.Count} tables, {result.TotalRows:N0} rows, {ProgressBar.FormatBytes(result.TotalBytes)} in {result.Parts.Count} part(s), ")
            + (keyName is null ? "NOT encrypted" : $"encrypted with key '{keyName}'")
            + string.Create(CultureInfo.InvariantCulture, $", in {seconds:0.00} s ({result.TotalRows / seconds / 1e6:0.00} M rows/s, {result.TotalBytes / seconds / 1e6:0.0} MB/s)");
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }

    /// <summary>
    /// Registers the dataset's tables, finds the scale factor (from SUPPLIER unless given), runs the queries and prints
    /// <c>N finished</c> on stdout (stderr with <paramref name="finishedOnStderr"/>, when stdout carries JSON) as each
    /// ends; per-table and per-query details go to stderr.
    /// </summary>
    internal static Task<TpchRunSummary> ExecuteAsync(
        CliContext cli,
        PpmlContext context,
        TpchDataset dataset,
        IReadOnlyList<int> queries,
        double? scaleFactor,
        bool requireEncrypted,
        CancellationToken cancellationToken,
        bool finishedOnStderr = false) =>
        dataset.LoadAndRunAsync(
            context, queries, scaleFactor, requireEncrypted, new RunReporter(cli, finishedOnStderr ? cli.Error : cli.Output), cli.TimeProvider, cancellationToken);

    /// <summary>
    /// One stderr line per loaded table, one for the scale factor, and per query <c>N finished</c> on
    /// <paramref name="finished"/> (BigDL's log line) with its size and time on stderr.
    /// </summary>
    private sealed class RunReporter(CliContext cli, TextWriter finished) : ITpchRunObserver
    {
        public void TableLoaded(TableInfo table) =>
            cli.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: table {table.Name}: {table.Rows:N0} rows from {table.Parts} part(s), {table.EncryptedParts} encrypted ({table.Transport}, {table.Elapsed.TotalMilliseconds:0} ms)"));

        public void QueriesStarting(double scaleFactor, bool isDetected, int queryCount) =>
            cli.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: TPC-H scale factor {scaleFactor}{(isDetected ? " (from the size of supplier)" : string.Empty)}; running {queryCount} quer{(queryCount == 1 ? "y" : "ies")}"));

        public void QueryFinished(TpchQueryResult result)
        {
            cli.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: query {result.Query}: {result.Rows.Count} row(s) in {result.Elapsed.TotalMilliseconds:0} ms"));
            finished.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Query} finished"));
        }
    }

    /// <summary>Generates encrypted data under <paramref name="directory"/> and runs <paramref name="queries"/> on it.</summary>
    /// <returns>A line describing the generation, and the run.</returns>
    internal static async Task<(string Generated, TpchRunSummary Summary)> RunEncryptedAsync(
        CliContext cli,
        DataSession session,
        TpchGenerationOptions generation,
        IReadOnlyList<int> queries,
        string directory,
        CancellationToken cancellationToken)
    {
        string data = Path.Combine(directory, "tpch.enc");
        (TpchGenerationResult result, TimeSpan elapsed) = await GenerateAsync(
            cli, generation, data, new TpchEncryption(session.Kms, session.DefaultKey), force: false, cancellationToken);
        string generated = Describe(result, elapsed, session.DefaultKey);
        TpchDataset dataset = TpchDataset.Locate(data);
        TpchRunSummary summary = await ExecuteAsync(
            cli, session.Context, dataset, queries, generation.ScaleFactor, requireEncrypted: true, cancellationToken);
        return (generated, summary);
    }
}
