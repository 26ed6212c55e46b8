using System.Globalization;
using System.Text;
using System.Text.Json;
using Ppml.Core.IO;
using Ppml.Data;
using Ppml.Data.Tpch;
using Ppml.Kms;
using Ppml.Workloads;
using Ppml.Workloads.Data;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tpch;

/// <summary>
/// <c>ppml tpch gen|run|bench</c> and <c>ppml examples tpch</c>: validate the options, call <see cref="TpchWorkload"/>, and
/// print (progress bars, per-table and per-query lines on stderr; <c>N finished</c> per query, BigDL's log line).
/// </summary>
internal sealed class TpchHandler(CliContext context)
{
    /// <summary>Validated generation options (usage errors name the option: --sf, then --parts and --threads).</summary>
    private static TpchGenerationOptions GenerationOptions(double scaleFactor, int parts, int? threads)
    {
        var options = new TpchGenerationOptions { ScaleFactor = scaleFactor, Parts = parts, MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException exception) when (exception.ParamName is string name)
        {
            string message = exception.Message;
            int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            throw name == nameof(TpchGenerationOptions.ScaleFactor)
                ? CliException.Usage($"--sf {scaleFactor.ToString(CultureInfo.InvariantCulture)}: {(end < 0 ? message : message[..end])}")
                : CliException.Usage($"{(name == nameof(TpchGenerationOptions.Parts) ? "--parts" : "--threads")} must be at least 1.");
        }

        return options;
    }

    public async Task<int> GenAsync(double scaleFactor, string output, bool encrypt, int parts, int? threads, bool force, KmsTarget kms, string? keyName, bool json, CancellationToken cancellationToken)
    {
        TpchGenerationOptions generation = GenerationOptions(scaleFactor, parts, threads);
        string path = context.ResolvePath(output);
        switch (TpchDatasetWriter.InspectOutput(path, out string? foreign))
        {
            case TpchOutputState.File:
                throw CliException.Usage($"--out '{path}' is a file; give a directory.");
            case TpchOutputState.TpchData or TpchOutputState.OtherData when !force:
                throw CliException.Failure($"Output '{path}' already exists and is not empty; pass --force to replace it.");
            case TpchOutputState.OtherData:
                throw CliException.Failure($"Output '{path}' holds '{foreign}', which is not a TPC-H table; --force replaces only a TPC-H data directory. Choose another --out.");
        }

        if (!encrypt && (keyName is not null || kms.KmsUri is not null))
        {
            throw CliException.Usage("--key and --kms need --encrypt.");
        }

        using IKeyManagementService? keys = encrypt ? await kms.OpenAsync(context, cancellationToken) : null;
        TpchEncryption? encryption = keys is null ? null : new(keys, await kms.ResolveKeyNameAsync(context, keyName, cancellationToken));
        TpchGenerationOutcome outcome;
        using (var progress = new GenerationProgress(context, generation, encrypt))
        {
            outcome = await TpchWorkload.GenerateAsync(generation, path, encryption, force, progress, context.TimeProvider, cancellationToken);
        }

        await context.Output.WriteLineAsync(json ? JsonSerializer.Serialize(TpchGenReport.From(outcome), CliJsonContext.Default.TpchGenReport) : outcome.Describe() + ": " + path);
        return ExitCodes.Success;
    }

    public async Task<int> RunAsync(
        string data, string? queries, double? scaleFactor, string? output, bool encrypt, bool force, bool requireEncrypted, string savedTables, KmsTarget kms, string? keyName, bool json, string? memoryLimit,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(queries, "--queries");
        string? path = output is null ? null : context.ResolvePath(output);
        if (scaleFactor is { } sf && (!double.IsFinite(sf) || sf <= 0))
        {
            throw CliException.Usage("--sf must be a positive number.");
        }

        if (path is null ? encrypt : File.Exists(path))
        {
            throw CliException.Usage(path is null ? "--encrypt needs --out DIR." : $"--out '{path}' is a file; give a directory for the qNN.csv files.");
        }

        if (path is not null && !force && Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw CliException.Failure($"Output '{path}' already exists and is not empty; pass --force to replace it.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        var options = new TpchRunOptions
        {
            Data = context.ResolvePath(data), Queries = numbers, ScaleFactor = scaleFactor, Output = path, EncryptOutput = encrypt, KeyName = keyName, Overwrite = force, RequireEncrypted = requireEncrypted,
            SavedTables = savedTables switch { "save" => TpchSavedTables.UseOrSave, "ignore" => TpchSavedTables.Ignore, _ => TpchSavedTables.Use },
            MemoryLimit = memoryLimit,
        };
        TpchRunResult result = await TpchWorkload.RunAsync(session, options, new RunReporter(context, json ? context.Error : context.Output), cancellationToken);
        await context.Error.WriteLineAsync(MemoryLine.Describe(result.MemoryLimitBytes, result.Footprint));
        await context.Output.WriteLineAsync(json ? JsonSerializer.Serialize(TpchRunReport.From(result), CliJsonContext.Default.TpchRunReport) : result.Describe());
        return ExitCodes.Success;
    }

    /// <summary>The options of <c>ppml tpch bench</c>.</summary>
    internal sealed record BenchArguments(
        double ScaleFactor, int Repeat, int Parts, string? Queries, string? Work, string? Report, string? Note, double? MaxRatio, bool Json, string? MemoryLimit);

    public async Task<int> BenchAsync(BenchArguments arguments, KmsTarget kms, string? keyName, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(arguments.Queries, "--queries");
        if (arguments.Repeat < 1)
        {
            throw CliException.Usage("--repeat must be at least 1.");
        }

        if (arguments.MaxRatio is { } limit && (!double.IsFinite(limit) || limit <= 0))
        {
            throw CliException.Usage("--max-ratio must be a positive number.");
        }

        TpchGenerationOptions generation = GenerationOptions(arguments.ScaleFactor, arguments.Parts, threads: null);
        string? reportPath = arguments.Report is null ? null : context.ResolvePath(arguments.Report);
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        var children = new BenchVariantProcess(context, kms);
        TpchBenchmarkResult result;
        using (var reporter = new BenchReporter(context, arguments.Repeat))
        {
            result = await TpchWorkload.BenchmarkAsync(
                session, generation, arguments.Repeat, numbers, arguments.Work is null ? Path.GetTempPath() : context.ResolvePath(arguments.Work), reporter, arguments.MemoryLimit,
                children.RunAsync, cancellationToken);
        }

        string markdown = result.ToMarkdown(arguments.Note);
        await context.Output.WriteAsync(arguments.Json ? JsonSerializer.Serialize(TpchBenchReport.From(result, arguments.Note), CliJsonContext.Default.TpchBenchReport) + "\n" : markdown);
        if (reportPath is not null)
        {
            await AtomicFile.WriteAllBytesAsync(reportPath, Encoding.UTF8.GetBytes(markdown), cancellationToken: cancellationToken);
            await context.Error.WriteLineAsync($"ppml: report written to {reportPath}");
        }

        if (arguments.MaxRatio is { } max && result.TotalRatio > max)
        {
            throw CliException.Failure(string.Create(CultureInfo.InvariantCulture, $"The encrypted/plain total ratio {result.TotalRatio:0.000} exceeds --max-ratio {max}."));
        }

        return ExitCodes.Success;
    }

    /// <summary><c>ppml tpch bench-variant</c>: one variant's run in this process; its measurements as one JSON line on stdout.</summary>
    public async Task<int> BenchVariantAsync(
        string variant, string data, string? queries, double scaleFactor, int repeat, string? cgroup, string memoryLimit, KmsTarget kms, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(queries, "--queries");
        if (!TpchBenchmark.Variants.Contains(variant))
        {
            throw CliException.Usage($"--variant '{variant}' is not one of {string.Join(", ", TpchBenchmark.Variants)}.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName: null, cancellationToken);
        var request = new TpchBenchmarkVariantRequest
        {
            Variant = variant, DataDirectory = context.ResolvePath(data), Queries = numbers, ScaleFactor = scaleFactor, MemoryLimit = memoryLimit, Repeat = repeat,
        };
        TpchBenchmarkVariantResult result = await TpchWorkload.RunBenchmarkVariantAsync(session, request, cgroup, cancellationToken);
        await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.TpchBenchmarkVariantResult));
        return ExitCodes.Success;
    }

    public async Task<int> ExampleAsync(KmsTarget kms, string? keyName, double scaleFactor, int parts, string? queries, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> numbers = TpchQuerySelection.Parse(queries, "--queries");
        TpchGenerationOptions generation = GenerationOptions(scaleFactor, parts, threads: null);
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName, cancellationToken);
        TpchExampleResult result;
        using (var progress = new GenerationProgress(context, generation, encrypted: true))
        {
            result = await TpchWorkload.RunExampleAsync(session, generation, numbers, directory: null, progress, new RunReporter(context, context.Output), cancellationToken);
        }

        await context.Output.WriteLineAsync(result.Generation.Describe());
        await context.Output.WriteLineAsync(result.Run.Describe());
        return ExitCodes.Success;
    }

    /// <summary>A progress bar on stderr for one generation, from the generator's cumulative byte counts; it ends with the last part.</summary>
    private sealed class GenerationProgress(CliContext cli, TpchGenerationOptions options, bool encrypted) : IProgress<TpchProgress>, IDisposable
    {
        private readonly ProgressBar _bar = new(cli, encrypted ? "tpch gen (encrypting)" : "tpch gen", TpchDatasetWriter.EstimateBytes(options.ScaleFactor, options.Tables));
        private readonly Lock _gate = new();
        private long _reported;
        private bool _done;

        public void Report(TpchProgress value)
        {
            lock (_gate)
            {
                if (!_done && value.BytesGenerated > _reported)
                {
                    _bar.Report(value.BytesGenerated - _reported);
                    _reported = value.BytesGenerated;
                }

                if (value.PartsCompleted == value.TotalParts)
                {
                    Dispose();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_done)
                {
                    _done = true;
                    _bar.Dispose();
                }
            }
        }
    }

    /// <summary>One stderr line per loaded table, one for the scale factor, and per query <c>N finished</c> on <paramref name="finished"/> with its size and time on stderr.</summary>
    private sealed class RunReporter(CliContext cli, TextWriter finished) : ITpchRunObserver
    {
        public void TableLoaded(TableInfo table) => cli.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"ppml: table {table.Name}: {table.Rows:N0} rows from {table.Parts} part(s), {table.EncryptedParts} encrypted ({table.Transport}, {table.Elapsed.TotalMilliseconds:0} ms)"));

        public void QueriesStarting(double scaleFactor, bool isDetected, int queryCount) => cli.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"ppml: TPC-H scale factor {scaleFactor}{(isDetected ? " (from the size of supplier)" : string.Empty)}; running {queryCount} quer{(queryCount == 1 ? "y" : "ies")}"));

        public void QueryFinished(TpchQueryResult result)
        {
            cli.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ppml: query {result.Query}: {result.Rows.Count} row(s) in {result.Elapsed.TotalMilliseconds:0} ms"));
            finished.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Query} finished"));
        }
    }

    /// <summary>A progress bar per generation and its summary line, then one line per variant and repeat, all on stderr.</summary>
    private sealed class BenchReporter(CliContext cli, int repeats) : ITpchBenchmarkObserver, IDisposable
    {
        private GenerationProgress? _generation;

        public IProgress<TpchProgress>? GenerationStarting(TpchGenerationOptions options, TpchEncryption? encryption)
        {
            _generation?.Dispose();
            return _generation = new GenerationProgress(cli, options, encryption is not null);
        }

        public void GenerationFinished(TpchGenerationResult result, TimeSpan elapsed, TpchEncryption? encryption)
        {
            Dispose();
            cli.Error.WriteLine("ppml: " + new TpchGenerationOutcome(result, string.Empty, encryption?.KeyName, elapsed).Describe());
        }

        public void VariantMeasured(int repeat, string variant, TpchBenchmarkSample load, TpchBenchmarkSample queries) => cli.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"ppml: bench {repeat + 1}/{repeats} {variant,-13} load {load.Wall.TotalSeconds,7:0.000} s, queries {queries.Wall.TotalSeconds,7:0.000} s, CPU {(load + queries).Cpu.TotalSeconds,7:0.000} s"));

        public void VariantRun(int repeat, TpchBenchmarkVariantResult run) => cli.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"ppml: bench {repeat + 1}/{repeats} {run.Variant,-13} process {run.ProcessId}: peak footprint {Ppml.Core.ByteSize.Format(run.Footprint.PeakBytes)} ({run.Footprint.Method})"));

        public void Dispose() => _generation?.Dispose();
    }
}
