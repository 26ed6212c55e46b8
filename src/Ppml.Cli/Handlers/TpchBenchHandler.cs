using System.Globalization;
using System.Text;
using Ppml.Crypto.IO;
using Ppml.Data;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml tpch bench</c>: TPC-H over encrypted data against the same queries over the same data in plaintext files,
/// in one process. It generates the scale factor twice into a work directory (plain dbgen files; encrypted parts),
/// then repeats, alternating the order:
/// <list type="bullet">
/// <item><b>plain</b> (the baseline): a fresh in-memory DuckDB reads the plaintext .tbl files itself (<c>read_csv</c>),
/// then the queries run (<see cref="TpchPlainBaseline"/>);</item>
/// <item><b>encrypted</b>: a fresh <see cref="PpmlContext"/> decrypts the containers into memory files and loads them
/// (encryption required), then the same queries run (<see cref="TpchDataset"/>);</item>
/// <item><b>plain-context</b> (for the split): a <see cref="PpmlContext"/> over the plaintext files, which isolates the
/// cost of decryption from the cost of the memory-file path.</item>
/// </list>
/// Load and query times are measured separately; every run's answers must equal the first plain run's. The report
/// gives medians over the repeats and the ratio encrypted / plain.
/// </summary>
internal sealed class TpchBenchHandler
{
    private const string Plain = "plain";
    private const string Encrypted = "encrypted";
    private const string PlainContext = "plain-context";

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
        string? Home,
        string? KmsUri,
        string? KmsPasswordFile,
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
        Directory.CreateDirectory(workRoot);
        string work = Path.Combine(workRoot, "ppml-tpch-bench-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(work);
        string loadBefore = LoadAverage();
        try
        {
            await using DataSession session = await DataSession.OpenAsync(_context, options.Home, options.KmsUri, options.KmsPasswordFile, options.KeyName, cancellationToken);
            string plainDirectory = Path.Combine(work, "plain");
            string encryptedDirectory = Path.Combine(work, "encrypted");
            (TpchGenerationResult plainData, TimeSpan plainGenerationTime) = await TpchGenHandler.GenerateAsync(_context, plainGeneration, plainDirectory, null, force: false, cancellationToken);
            await _context.Error.WriteLineAsync("ppml: " + TpchGenHandler.Describe(plainData, plainGenerationTime, null));
            (TpchGenerationResult encryptedData, TimeSpan encryptedGenerationTime) = await TpchGenHandler.GenerateAsync(
                _context, encryptedGeneration, encryptedDirectory, (session.Kms, session.DefaultKey), force: false, cancellationToken);
            await _context.Error.WriteLineAsync("ppml: " + TpchGenHandler.Describe(encryptedData, encryptedGenerationTime, session.DefaultKey));

            var runs = new List<BenchRun>();
            IReadOnlyList<TpchQueryResult>? reference = null;
            string[] order = [Plain, Encrypted, PlainContext];
            for (int repeat = 0; repeat < options.Repeat; repeat++)
            {
                // Alternate the order so neither side always runs first (cold caches, a neighbour's build).
                IEnumerable<string> variants = repeat % 2 == 0 ? order : order.Reverse();
                foreach (string variant in variants)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    BenchRun run = await MeasureAsync(variant, session, plainDirectory, encryptedDirectory, queries, options.ScaleFactor, cancellationToken);
                    reference ??= variant == Plain ? run.Results : null;
                    runs.Add(run);
                    await _context.Error.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"ppml: bench {repeat + 1}/{options.Repeat} {variant,-13} load {run.Load.TotalSeconds,7:0.000} s, queries {run.Queries.TotalSeconds,7:0.000} s, total {run.Total.TotalSeconds,7:0.000} s"));
                }
            }

            reference ??= runs.First(r => r.Variant == Plain).Results;
            foreach (BenchRun run in runs)
            {
                CheckSameAnswers(reference, run);
            }

            var summary = new BenchSummary(
                options.ScaleFactor, options.Repeat, options.Parts, queries, runs, plainData, plainGenerationTime, encryptedData, encryptedGenerationTime, loadBefore, LoadAverage());
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

    private async Task<BenchRun> MeasureAsync(
        string variant, DataSession session, string plainDirectory, string encryptedDirectory, IReadOnlyList<int> queries, double scaleFactor, CancellationToken cancellationToken)
    {
        TimeProvider clock = _context.TimeProvider;
        if (variant == Plain)
        {
            TpchBaselineResult baseline = await TpchPlainBaseline.RunAsync(plainDirectory, queries, scaleFactor, null, clock, cancellationToken);
            return new BenchRun(variant, baseline.LoadElapsed, baseline.Queries);
        }

        var options = new PpmlContextOptions { TeeMode = session.Context.TeeMode, DefaultKeyName = session.DefaultKey };
        await using PpmlContext context = await PpmlContext.OpenAsync(session.Kms, options, cancellationToken);
        TpchDataset dataset = TpchDataset.Locate(variant == Encrypted ? encryptedDirectory : plainDirectory);
        long started = clock.GetTimestamp();
        await dataset.RegisterAsync(context, requireEncrypted: variant == Encrypted, cancellationToken: cancellationToken);
        TimeSpan load = clock.GetElapsedTime(started);
        IReadOnlyList<TpchQueryResult> results = await TpchDataset.RunQueriesAsync(context, queries, scaleFactor, null, clock, cancellationToken);
        return new BenchRun(variant, load, results);
    }

    private static void CheckSameAnswers(IReadOnlyList<TpchQueryResult> reference, BenchRun run)
    {
        for (int i = 0; i < reference.Count; i++)
        {
            TpchQueryResult expected = reference[i];
            TpchQueryResult actual = run.Results[i];
            bool same = expected.Columns.SequenceEqual(actual.Columns)
                && expected.Rows.Count == actual.Rows.Count
                && expected.Rows.Zip(actual.Rows).All(pair => pair.First.SequenceEqual(pair.Second));
            if (!same)
            {
                throw CliException.Failure($"Query {expected.Query} answered differently in the {run.Variant} run than over plaintext files; the benchmark is void.");
            }
        }
    }

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

    private sealed record BenchRun(string Variant, TimeSpan Load, IReadOnlyList<TpchQueryResult> Results)
    {
        public TimeSpan Queries => TimeSpan.FromTicks(Results.Sum(r => r.Elapsed.Ticks));

        public TimeSpan Total => Load + Queries;
    }

    private sealed record BenchSummary(
        double ScaleFactor,
        int Repeat,
        int Parts,
        IReadOnlyList<int> QueryNumbers,
        IReadOnlyList<BenchRun> Runs,
        TpchGenerationResult PlainData,
        TimeSpan PlainGeneration,
        TpchGenerationResult EncryptedData,
        TimeSpan EncryptedGeneration,
        string LoadBefore,
        string LoadAfter)
    {
        public double TotalRatio => Median(Encrypted, r => r.Total) / Median(Plain, r => r.Total);

        public string ToMarkdown()
        {
            var text = new StringBuilder();
            CultureInfo invariant = CultureInfo.InvariantCulture;
            text.Append(invariant, $"# TPC-H SF {ScaleFactor}: encrypted vs plaintext files, DuckDB, one process\n\n");
            text.Append(invariant, $"Medians over {Repeat} repeat(s), order alternating; machine load average {LoadBefore} before, {LoadAfter} after. ");
            text.Append("Times in ms. *plain*: DuckDB `read_csv` on the plaintext .tbl files, then the queries. *encrypted*: PpmlContext ");
            text.Append(invariant, $"decrypting PPML containers ({Parts} part(s) per large table) into memory files, then the same queries. ");
            text.Append("*plain-context*: PpmlContext over the plaintext files (memory-file path without decryption). ");
            text.Append("Every run's answers were checked equal to the plain run's.\n\n");
            text.Append("| step | plain | encrypted | ratio | plain-context |\n|---|---:|---:|---:|---:|\n");
            Row(text, "load", r => r.Load);
            foreach (int query in QueryNumbers)
            {
                Row(text, string.Create(invariant, $"Q{query}"), r => r.Results.First(q => q.Query == query).Elapsed);
            }

            Row(text, "queries", r => r.Queries);
            Row(text, "**total**", r => r.Total);
            text.Append(invariant, $"\n**Total ratio encrypted / plain: {TotalRatio:0.000}**\n\n");
            text.Append("| generation | time (s) | rows/s | MB/s | files |\n|---|---:|---:|---:|---:|\n");
            Generation(text, "plain .tbl", PlainData, PlainGeneration);
            Generation(text, "encrypted .tbl.ppml", EncryptedData, EncryptedGeneration);
            return text.ToString();
        }

        private void Row(StringBuilder text, string label, Func<BenchRun, TimeSpan> measure)
        {
            double plain = Median(Plain, measure);
            double encrypted = Median(Encrypted, measure);
            double context = Median(PlainContext, measure);
            text.Append(CultureInfo.InvariantCulture, $"| {label} | {plain:0} | {encrypted:0} | {(plain > 0 ? encrypted / plain : double.NaN):0.00} | {context:0} |\n");
        }

        private static void Generation(StringBuilder text, string label, TpchGenerationResult data, TimeSpan elapsed)
        {
            double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
            text.Append(CultureInfo.InvariantCulture, $"| {label} | {seconds:0.00} | {data.TotalRows / seconds:N0} | {data.TotalBytes / seconds / 1e6:0.0} | {data.Parts.Count} |\n");
        }

        private double Median(string variant, Func<BenchRun, TimeSpan> measure)
        {
            double[] values = [.. Runs.Where(r => r.Variant == variant).Select(r => measure(r).TotalMilliseconds).Order()];
            return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
        }
    }
}
