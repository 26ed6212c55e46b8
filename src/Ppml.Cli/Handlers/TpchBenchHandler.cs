using System.Globalization;
using System.Text;
using Ppml.Core.IO;
using Ppml.Data;
using Ppml.Data.Tpch;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch bench</c>: runs <see cref="TpchBenchmark"/> (TPC-H over encrypted data against the same queries over the
/// same data in plaintext files, in one process), with progress bars and per-repeat lines on stderr, and prints its
/// markdown report; <c>--max-ratio</c> turns a slow encrypted run into a failure.
/// </summary>
internal sealed class TpchBenchHandler
{
    private readonly CliContext _context;

    public TpchBenchHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record Options(
        double ScaleFactor,
        int Repeat,
        int Parts,
        string? Queries,
        string? WorkDirectory,
        string? Report,
        double? MaxRatio,
        KmsTarget Kms,
        string? KeyName);

    public async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> queries = TpchQuerySelection.Parse(options.Queries, "--queries");
        if (options.Repeat < 1)
        {
            throw CliException.Usage("--repeat must be at least 1.");
        }

        // Both copies are validated here so a bad --sf or --parts is a usage error naming the option.
        _ = TpchSteps.CreateOptions(options.ScaleFactor, parts: 1, threads: null);
        TpchGenerationOptions generation = TpchSteps.CreateOptions(options.ScaleFactor, options.Parts, threads: null);
        string? report = options.Report is null ? null : _context.ResolvePath(options.Report);
        string workRoot = options.WorkDirectory is null ? Path.GetTempPath() : _context.ResolvePath(options.WorkDirectory);

        await using DataSession session = await DataSession.OpenAsync(_context, options.Kms, options.KeyName, cancellationToken);
        var benchmark = new TpchBenchmarkOptions
        {
            Generation = generation,
            Repeat = options.Repeat,
            Queries = queries,
            WorkDirectory = workRoot,
            Kms = session.Kms,
            KeyName = session.DefaultKey,
            ContextOptions = new PpmlContextOptions { TeeMode = session.Context.TeeMode, DefaultKeyName = session.DefaultKey },
            TimeProvider = _context.TimeProvider,
        };
        TpchBenchmarkResult result;
        using (var reporter = new BenchReporter(_context, options.Repeat))
        {
            try
            {
                result = await TpchBenchmark.RunAsync(benchmark, reporter, cancellationToken);
            }
            catch (TpchBenchmarkException exception)
            {
                throw CliException.Failure(exception.Message);
            }
        }

        string markdown = result.ToMarkdown();
        await _context.Output.WriteAsync(markdown);
        if (report is not null)
        {
            await AtomicFile.WriteAllBytesAsync(report, Encoding.UTF8.GetBytes(markdown), cancellationToken: cancellationToken);
            await _context.Error.WriteLineAsync($"ppml: report written to {report}");
        }

        if (options.MaxRatio is { } max && result.TotalRatio > max)
        {
            throw CliException.Failure(string.Create(
                CultureInfo.InvariantCulture, $"The encrypted/plain total ratio {result.TotalRatio:0.000} exceeds --max-ratio {max}."));
        }

        return ExitCodes.Success;
    }

    /// <summary>A progress bar per generation and its summary line, then one line per variant and repeat, all on stderr.</summary>
    private sealed class BenchReporter(CliContext cli, int repeats) : ITpchBenchmarkObserver, IDisposable
    {
        private TpchGenerationProgress? _generation;

        public IProgress<TpchProgress>? GenerationStarting(TpchGenerationOptions options, TpchEncryption? encryption)
        {
            _generation?.Dispose();
            _generation = new TpchGenerationProgress(cli, options, encryption is not null);
            return _generation;
        }

        public void GenerationFinished(TpchGenerationResult result, TimeSpan elapsed, TpchEncryption? encryption)
        {
            Dispose();
            cli.Error.WriteLine("ppml: " + TpchSteps.Describe(result, elapsed, encryption?.KeyName));
        }

        public void VariantMeasured(int repeat, string variant, TpchBenchmarkSample load, TpchBenchmarkSample queries) =>
            cli.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ppml: bench {repeat + 1}/{repeats} {variant,-13} load {load.Wall.TotalSeconds,7:0.000} s, queries {queries.Wall.TotalSeconds,7:0.000} s, CPU {(load + queries).Cpu.TotalSeconds,7:0.000} s"));

        public void Dispose()
        {
            _generation?.Dispose();
            _generation = null;
        }
    }
}
