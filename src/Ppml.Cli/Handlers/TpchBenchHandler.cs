using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ppml.Core.IO;
using Ppml.Data;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch bench</c>: TPC-H over encrypted data against the same queries over the same data in plaintext files,
/// in one process. It generates the scale factor twice into a work directory (plain dbgen files; encrypted parts) and
/// compares three variants:
/// <list type="bullet">
/// <item><b>plain</b> (the baseline): an in-memory DuckDB reads the plaintext .tbl files itself (<c>read_csv</c>)
/// (<see cref="TpchPlainBaseline"/>);</item>
/// <item><b>encrypted</b>: a <see cref="PpmlContext"/> decrypts the containers into memory files and loads them
/// (encryption required) (<see cref="TpchDataset"/>);</item>
/// <item><b>plain-context</b>: a <see cref="PpmlContext"/> over the plaintext files, which separates the cost of
/// decryption from the cost of the memory-file path.</item>
/// </list>
/// Each repeat loads the three variants one after the other (order rotating), keeps the three databases open, then runs
/// every query on each variant back to back (order rotating again), so the runs being compared are adjacent in time:
/// on a shared machine whose load drifts over minutes, per-repeat ratios are far steadier than separate runs. Wall and
/// process CPU time are recorded for every step; every answer must equal the plain one. The report gives medians.
/// </summary>
internal sealed class TpchBenchHandler
{
    private const string Plain = "plain";
    private const string Encrypted = "encrypted";
    private const string PlainContext = "plain-context";
    private const string LoadStep = "load";

    private static readonly string[] Variants = [Plain, Encrypted, PlainContext];

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
        IReadOnlyList<int> queries = TpchQueryList.Parse(options.Queries);
        if (options.Repeat < 1)
        {
            throw CliException.Usage("--repeat must be at least 1.");
        }

        TpchGenerationOptions plainGeneration = TpchGenHandler.CreateOptions(options.ScaleFactor, parts: 1, threads: null);
        TpchGenerationOptions encryptedGeneration = TpchGenHandler.CreateOptions(options.ScaleFactor, options.Parts, threads: null);
        string? report = options.Report is null ? null : _context.ResolvePath(options.Report);
        string workRoot = options.WorkDirectory is null ? Path.GetTempPath() : _context.ResolvePath(options.WorkDirectory);
        string work = Path.Combine(workRoot, "ppml-tpch-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(work);
        string loadBefore = LoadAverage();
        try
        {
            await using DataSession session = await DataSession.OpenAsync(_context, options.Kms, options.KeyName, cancellationToken);
            // The generator builds dbgen's 300 MiB text pool once per process; build it first, so neither timed run pays for it.
            long poolStarted = _context.TimeProvider.GetTimestamp();
            await TpchGenerator.GenerateAsync(
                new TpchGenerationOptions { ScaleFactor = 0.001, Tables = [TpchTable.Region] },
                (_, _) => ValueTask.FromResult(Stream.Null),
                (_, _, _) => ValueTask.CompletedTask,
                cancellationToken: cancellationToken);
            TimeSpan pool = _context.TimeProvider.GetElapsedTime(poolStarted);
            string plainDirectory = Path.Combine(work, "plain");
            string encryptedDirectory = Path.Combine(work, "encrypted");
            (TpchGenerationResult plainData, TimeSpan plainGenerationTime) = await TpchGenHandler.GenerateAsync(_context, plainGeneration, plainDirectory, null, force: false, cancellationToken);
            await _context.Error.WriteLineAsync("ppml: " + TpchGenHandler.Describe(plainData, plainGenerationTime, null));
            (TpchGenerationResult encryptedData, TimeSpan encryptedGenerationTime) = await TpchGenHandler.GenerateAsync(
                _context, encryptedGeneration, encryptedDirectory, (session.Kms, session.DefaultKey), force: false, cancellationToken);
            await _context.Error.WriteLineAsync("ppml: " + TpchGenHandler.Describe(encryptedData, encryptedGenerationTime, session.DefaultKey));

            var measurements = new Measurements();
            var reference = new Dictionary<int, TpchQueryResult>();
            for (int repeat = 0; repeat < options.Repeat; repeat++)
            {
                await RunRepeatAsync(repeat, session, plainDirectory, encryptedDirectory, queries, options.ScaleFactor, measurements, reference, cancellationToken);
                foreach (string variant in Variants)
                {
                    await _context.Error.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"ppml: bench {repeat + 1}/{options.Repeat} {variant,-13} load {measurements.Load(repeat, variant).Wall.TotalSeconds,7:0.000} s, queries {measurements.Queries(repeat, variant, queries).Wall.TotalSeconds,7:0.000} s, CPU {measurements.Total(repeat, variant, queries).Cpu.TotalSeconds,7:0.000} s"));
                }
            }

            var summary = new BenchSummary(
                options.ScaleFactor, options.Repeat, options.Parts, queries, measurements, plainData, plainGenerationTime, encryptedData, encryptedGenerationTime, pool, loadBefore, LoadAverage());
            string markdown = summary.ToMarkdown();
            await _context.Output.WriteAsync(markdown);
            if (report is not null)
            {
                await AtomicFile.WriteAllBytesAsync(report, Encoding.UTF8.GetBytes(markdown), cancellationToken: cancellationToken);
                await _context.Error.WriteLineAsync($"ppml: report written to {report}");
            }

            if (options.MaxRatio is { } max && summary.TotalRatio > max)
            {
                throw CliException.Failure(string.Create(
                    CultureInfo.InvariantCulture, $"The encrypted/plain total ratio {summary.TotalRatio:0.000} exceeds --max-ratio {max}."));
            }

            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task RunRepeatAsync(
        int repeat,
        DataSession session,
        string plainDirectory,
        string encryptedDirectory,
        IReadOnlyList<int> queries,
        double scaleFactor,
        Measurements measurements,
        Dictionary<int, TpchQueryResult> reference,
        CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, LoadedVariant>();
        try
        {
            foreach (string variant in Rotate(repeat))
            {
                cancellationToken.ThrowIfCancellationRequested();
                (LoadedVariant database, Sample sample) = await MeasureAsync(() => LoadAsync(variant, session, plainDirectory, encryptedDirectory, cancellationToken));
                loaded[variant] = database;
                measurements.Add(repeat, variant, LoadStep, sample with { Wall = database.Load });
            }

            for (int i = 0; i < queries.Count; i++)
            {
                int query = queries[i];
                foreach (string variant in Rotate(repeat + i))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (TpchQueryResult result, Sample sample) = await MeasureAsync(() => loaded[variant].RunAsync(query, scaleFactor, _context.TimeProvider, cancellationToken));
                    measurements.Add(repeat, variant, Step(query), sample with { Wall = result.Elapsed });
                    if (!reference.TryGetValue(query, out TpchQueryResult? expected))
                    {
                        reference[query] = result;
                    }
                    else if (!SameAnswer(expected, result))
                    {
                        throw CliException.Failure($"Query {query} answered differently in the {variant} run than in an earlier run; the benchmark is void.");
                    }
                }
            }
        }
        finally
        {
            foreach (LoadedVariant database in loaded.Values)
            {
                await database.DisposeAsync();
            }
        }
    }

    private async Task<LoadedVariant> LoadAsync(string variant, DataSession session, string plainDirectory, string encryptedDirectory, CancellationToken cancellationToken)
    {
        TimeProvider clock = _context.TimeProvider;
        if (variant == Plain)
        {
            TpchPlainBaseline baseline = await TpchPlainBaseline.LoadAsync(plainDirectory, clock, cancellationToken);
            return new LoadedVariant(
                baseline.LoadElapsed,
                async (query, sf, time, token) => (await baseline.RunQueriesAsync([query], sf, null, time, token))[0],
                baseline);
        }

        var options = new PpmlContextOptions { TeeMode = session.Context.TeeMode, DefaultKeyName = session.DefaultKey };
        PpmlContext context = await PpmlContext.OpenAsync(session.Kms, options, cancellationToken);
        try
        {
            TpchDataset dataset = TpchDataset.Locate(variant == Encrypted ? encryptedDirectory : plainDirectory);
            long started = clock.GetTimestamp();
            await dataset.RegisterAsync(context, requireEncrypted: variant == Encrypted, cancellationToken: cancellationToken);
            return new LoadedVariant(
                clock.GetElapsedTime(started),
                async (query, sf, time, token) => (await TpchDataset.RunQueriesAsync(context, [query], sf, null, time, token))[0],
                context);
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> and measures its wall time and the process's CPU time (DuckDB's threads included).</summary>
    private async Task<(T Result, Sample Sample)> MeasureAsync<T>(Func<Task<T>> action)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long started = _context.TimeProvider.GetTimestamp();
        T result = await action();
        TimeSpan wall = _context.TimeProvider.GetElapsedTime(started);
        process.Refresh();
        return (result, new Sample(wall, process.TotalProcessorTime - cpu));
    }

    private static IEnumerable<string> Rotate(int by) => Variants.Skip(by % Variants.Length).Concat(Variants.Take(by % Variants.Length));

    private static string Step(int query) => string.Create(CultureInfo.InvariantCulture, $"Q{query}");

    private static bool SameAnswer(TpchQueryResult expected, TpchQueryResult actual) =>
        expected.Columns.SequenceEqual(actual.Columns)
        && expected.Rows.Count == actual.Rows.Count
        && expected.Rows.Zip(actual.Rows).All(pair => pair.First.SequenceEqual(pair.Second));

    /// <summary>The 1-minute load average and the core count (Linux), to record how busy the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return $"{text.Split(' ')[0]} on {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private readonly record struct Sample(TimeSpan Wall, TimeSpan Cpu)
    {
        public static Sample operator +(Sample left, Sample right) => new(left.Wall + right.Wall, left.Cpu + right.Cpu);
    }

    /// <summary>A loaded database of one variant, kept open while the queries run on every variant in turn.</summary>
    private sealed class LoadedVariant(TimeSpan load, Func<int, double, TimeProvider, CancellationToken, Task<TpchQueryResult>> run, IAsyncDisposable database) : IAsyncDisposable
    {
        public TimeSpan Load => load;

        public Task<TpchQueryResult> RunAsync(int query, double scaleFactor, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            run(query, scaleFactor, timeProvider, cancellationToken);

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }

    private sealed class Measurements
    {
        private readonly Dictionary<(int Repeat, string Variant, string Step), Sample> _samples = [];

        public void Add(int repeat, string variant, string step, Sample sample) => _samples[(repeat, variant, step)] = sample;

        public Sample Get(int repeat, string variant, string step) => _samples[(repeat, variant, step)];

        public Sample Load(int repeat, string variant) => Get(repeat, variant, LoadStep);

        public Sample Queries(int repeat, string variant, IEnumerable<int> queries) =>
            queries.Aggregate(default(Sample), (sum, query) => sum + Get(repeat, variant, Step(query)));

        public Sample Total(int repeat, string variant, IEnumerable<int> queries) => Load(repeat, variant) + Queries(repeat, variant, queries);
    }

    private sealed record BenchSummary(
        double ScaleFactor,
        int Repeat,
        int Parts,
        IReadOnlyList<int> QueryNumbers,
        Measurements Measurements,
        TpchGenerationResult PlainData,
        TimeSpan PlainGeneration,
        TpchGenerationResult EncryptedData,
        TimeSpan EncryptedGeneration,
        TimeSpan TextPool,
        string LoadBefore,
        string LoadAfter)
    {
        public double TotalRatio => Ratio(Encrypted, (r, v) => Measurements.Total(r, v, QueryNumbers).Wall);

        public double CpuRatio => Ratio(Encrypted, (r, v) => Measurements.Total(r, v, QueryNumbers).Cpu);

        public string ToMarkdown()
        {
            var text = new StringBuilder();
            CultureInfo invariant = CultureInfo.InvariantCulture;
            text.Append(invariant, $"# TPC-H SF {ScaleFactor}: encrypted vs plaintext files, DuckDB, one process\n\n");
            text.Append(invariant, $"{Repeat} repeat(s); machine load average {LoadBefore} before, {LoadAfter} after. ");
            text.Append("Each repeat loads the three variants one after the other, then runs each query on the three back to back (order rotating), ");
            text.Append("so compared runs are adjacent in time. Times are medians over the repeats, in ms; a ratio is the median of the per-repeat ratios to *plain*.\n\n");
            text.Append("- *plain* (baseline): DuckDB `read_csv` on the plaintext .tbl files, then the queries.\n");
            text.Append(invariant, $"- *encrypted*: PpmlContext decrypting PPML containers ({Parts} part(s) per large table) into memory files, then the same queries.\n");
            text.Append("- *plain-context*: PpmlContext over the plaintext files (the memory-file path without decryption).\n\n");
            text.Append("Every answer of every run was checked equal to the first run's.\n\n");
            text.Append("| step | plain | encrypted | ratio | plain-context | ratio |\n|---|---:|---:|---:|---:|---:|\n");
            Row(text, "load", (r, v) => Measurements.Load(r, v).Wall);
            foreach (int query in QueryNumbers)
            {
                Row(text, Step(query), (r, v) => Measurements.Get(r, v, Step(query)).Wall);
            }

            Row(text, "queries", (r, v) => Measurements.Queries(r, v, QueryNumbers).Wall);
            Row(text, "**total**", (r, v) => Measurements.Total(r, v, QueryNumbers).Wall);
            Row(text, "CPU, load", (r, v) => Measurements.Load(r, v).Cpu);
            Row(text, "CPU, queries", (r, v) => Measurements.Queries(r, v, QueryNumbers).Cpu);
            Row(text, "CPU, total", (r, v) => Measurements.Total(r, v, QueryNumbers).Cpu);
            text.Append(invariant, $"\n**Total ratio encrypted / plain: {TotalRatio:0.000}** (wall time, median of the per-repeat ratios; process CPU time: {CpuRatio:0.000}). ");
            text.Append(invariant, $"All repeats summed: plain {Sum(Plain) / 1000:0.00} s, encrypted {Sum(Encrypted) / 1000:0.00} s, ratio {Sum(Encrypted) / Sum(Plain):0.000}.\n\n");
            double bestPlain = Best(Plain);
            double bestEncrypted = Best(Encrypted);
            text.Append(invariant, $"Least disturbed repeat of each variant (minimum total wall time): plain {bestPlain:0} ms, encrypted {bestEncrypted:0} ms, ");
            text.Append(invariant, $"plain-context {Best(PlainContext):0} ms; ratio encrypted / plain {bestEncrypted / bestPlain:0.000}.\n\n");
            text.Append("| generation | time (s) | rows/s | MB/s | files |\n|---|---:|---:|---:|---:|\n");
            Generation(text, "plain .tbl", PlainData, PlainGeneration);
            Generation(text, "encrypted .tbl.ppml", EncryptedData, EncryptedGeneration);
            text.Append(invariant, $"\nGeneration times exclude dbgen's text pool, built once per process before them ({TextPool.TotalSeconds:0.00} s). ");
            text.Append(invariant, $"Sizes: {PlainData.TotalRows:N0} rows, {PlainData.TotalBytes:N0} bytes of .tbl text (the containers add a header and 16 bytes per 1 MiB segment).\n");
            return text.ToString();
        }

        private void Row(StringBuilder text, string label, Func<int, string, TimeSpan> measure)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {label} | {Median(Plain, measure):0} | {Median(Encrypted, measure):0} | {Ratio(Encrypted, measure):0.00} | {Median(PlainContext, measure):0} | {Ratio(PlainContext, measure):0.00} |\n");
        }

        private static void Generation(StringBuilder text, string label, TpchGenerationResult data, TimeSpan elapsed)
        {
            double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
            text.Append(CultureInfo.InvariantCulture, $"| {label} | {seconds:0.00} | {data.TotalRows / seconds:N0} | {data.TotalBytes / seconds / 1e6:0.0} | {data.Parts.Count} |\n");
        }

        private double Sum(string variant) =>
            Enumerable.Range(0, Repeat).Sum(r => Measurements.Total(r, variant, QueryNumbers).Wall.TotalMilliseconds);

        private double Best(string variant) =>
            Enumerable.Range(0, Repeat).Min(r => Measurements.Total(r, variant, QueryNumbers).Wall.TotalMilliseconds);

        private double Median(string variant, Func<int, string, TimeSpan> measure) =>
            MedianOf(Enumerable.Range(0, Repeat).Select(r => measure(r, variant).TotalMilliseconds));

        /// <summary>The median over repeats of <paramref name="variant"/>'s value divided by plain's in the same repeat.</summary>
        private double Ratio(string variant, Func<int, string, TimeSpan> measure) =>
            MedianOf(Enumerable.Range(0, Repeat).Select(r => measure(r, Plain).Ticks > 0 ? (double)measure(r, variant).Ticks / measure(r, Plain).Ticks : double.NaN));

        private static double MedianOf(IEnumerable<double> values)
        {
            double[] sorted = [.. values.Order()];
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
