using System.Globalization;
using System.Text;
using Ppml.Core;
using Ppml.Core.Diagnostics;

namespace Ppml.Data.Tpch;

/// <summary>
/// What <see cref="TpchBenchmark.RunAsync"/> measured: per-repeat samples of every variant and step, summarized as medians
/// and as ratios to the plain baseline (the median of the per-repeat ratios), and a markdown report.
/// </summary>
public sealed class TpchBenchmarkResult
{
    private const string Plain = TpchBenchmark.PlainVariant;
    private const string Encrypted = TpchBenchmark.EncryptedVariant;
    private const string PlainContext = TpchBenchmark.PlainContextVariant;

    private readonly TpchBenchmarkMeasurements _measurements;

    internal TpchBenchmarkResult(
        double scaleFactor,
        int repeat,
        int parts,
        IReadOnlyList<int> queries,
        TpchBenchmarkMeasurements measurements,
        DateTimeOffset finished,
        TpchGenerationResult plainData,
        TimeSpan plainGeneration,
        TpchGenerationResult encryptedData,
        TimeSpan encryptedGeneration,
        TimeSpan textPool,
        string loadBefore,
        string loadAfter)
    {
        ScaleFactor = scaleFactor;
        Repeat = repeat;
        Parts = parts;
        Queries = queries;
        _measurements = measurements;
        Finished = finished;
        PlainData = plainData;
        PlainGeneration = plainGeneration;
        EncryptedData = encryptedData;
        EncryptedGeneration = encryptedGeneration;
        TextPool = textPool;
        LoadBefore = loadBefore;
        LoadAfter = loadAfter;
    }

    /// <summary>The scale factor.</summary>
    public double ScaleFactor { get; }

    /// <summary>How many times each variant ran.</summary>
    public int Repeat { get; }

    /// <summary>Parts per large table of the encrypted copy.</summary>
    public int Parts { get; }

    /// <summary>The queries, in the order run.</summary>
    public IReadOnlyList<int> Queries { get; }

    /// <summary>When the last run finished (UTC).</summary>
    public DateTimeOffset Finished { get; }

    /// <summary>The plaintext copy.</summary>
    public TpchGenerationResult PlainData { get; }

    /// <summary>Time to generate the plaintext copy.</summary>
    public TimeSpan PlainGeneration { get; }

    /// <summary>The encrypted copy.</summary>
    public TpchGenerationResult EncryptedData { get; }

    /// <summary>Time to generate the encrypted copy.</summary>
    public TimeSpan EncryptedGeneration { get; }

    /// <summary>Time to build dbgen's text pool, once, before either generation.</summary>
    public TimeSpan TextPool { get; }

    /// <summary>The machine's load average before the run (<c>0.52 on 2 cores</c>, or <c>unknown</c>).</summary>
    public string LoadBefore { get; }

    /// <summary>The machine's load average after the run.</summary>
    public string LoadAfter { get; }

    /// <summary>Encrypted total (load and queries) over plain total, wall time: the median of the per-repeat ratios.</summary>
    public double TotalRatio => GetTotalRatio(Encrypted);

    /// <summary>As <see cref="TotalRatio"/>, with process CPU time.</summary>
    public double CpuRatio => GetCpuRatio(Encrypted);

    /// <summary>Encrypted peak footprint over plain peak footprint: the median of the per-repeat ratios (NaN when a run reported none).</summary>
    public double FootprintRatio => GetFootprintRatio(Encrypted);

    /// <summary>DuckDB's effective memory limit of the runs, in bytes (the largest any run reported; 0 when none did).</summary>
    public long MemoryLimitBytes => Runs().Select(r => r.MemoryLimitBytes).DefaultIfEmpty(0).Max();

    /// <summary>How the footprints were measured (<see cref="FootprintReport.Method"/>), each method once, comma-separated.</summary>
    public string FootprintMethod => string.Join(", ", Runs().Select(r => r.Footprint.Method).Distinct());

    /// <summary>The run of <paramref name="variant"/> in <paramref name="repeat"/>: its process, samples, answers' digests and footprint.</summary>
    /// <param name="repeat">The repeat, from 0.</param>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The run, or <see langword="null"/> when it was not recorded.</returns>
    public TpchBenchmarkVariantResult? GetRun(int repeat, string variant) => _measurements.Run(repeat, variant);

    /// <summary>The median over repeats of <paramref name="variant"/>'s load, wall and CPU time separately.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The medians.</returns>
    public TpchBenchmarkSample GetMedianLoad(string variant) => MedianSample(variant, (r, v) => _measurements.Load(r, v));

    /// <summary>The median over repeats of <paramref name="variant"/>'s queries summed, wall and CPU time separately.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The medians.</returns>
    public TpchBenchmarkSample GetMedianQueries(string variant) => MedianSample(variant, (r, v) => _measurements.Queries(r, v, Queries));

    /// <summary>The median over repeats of <paramref name="variant"/>'s total (load and queries), wall and CPU time separately.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The medians.</returns>
    public TpchBenchmarkSample GetMedianTotal(string variant) => MedianSample(variant, (r, v) => _measurements.Total(r, v, Queries));

    /// <summary>The median over repeats of one query's time in <paramref name="variant"/>.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <param name="query">One of <see cref="Queries"/>.</param>
    /// <returns>The medians.</returns>
    public TpchBenchmarkSample GetMedianQuery(string variant, int query) => MedianSample(variant, (r, v) => _measurements.Get(r, v, TpchBenchmarkMeasurements.Step(query)));

    /// <summary>The median over repeats of <paramref name="variant"/>'s peak footprint, in bytes (NaN when no run reported one).</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The median.</returns>
    public double GetMedianPeakBytes(string variant) => MedianOf(Enumerable.Range(0, Repeat).Select(r => PeakBytes(r, variant)));

    /// <summary><paramref name="variant"/>'s total over plain's, wall time: the median of the per-repeat ratios.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The ratio.</returns>
    public double GetTotalRatio(string variant) => Ratio(variant, (r, v) => _measurements.Total(r, v, Queries).Wall);

    /// <summary><paramref name="variant"/>'s total over plain's, process CPU time: the median of the per-repeat ratios.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The ratio.</returns>
    public double GetCpuRatio(string variant) => Ratio(variant, (r, v) => _measurements.Total(r, v, Queries).Cpu);

    /// <summary><paramref name="variant"/>'s peak footprint over plain's: the median of the per-repeat ratios.</summary>
    /// <param name="variant">One of <see cref="TpchBenchmark.Variants"/>.</param>
    /// <returns>The ratio (NaN when a run reported no footprint).</returns>
    public double GetFootprintRatio(string variant) =>
        MedianOf(Enumerable.Range(0, Repeat).Select(r => PeakBytes(r, Plain) > 0 ? PeakBytes(r, variant) / PeakBytes(r, Plain) : double.NaN));

    /// <summary>The report: method, a table of medians and ratios per step, totals, footprints, and the generation times.</summary>
    /// <returns>Markdown text ending with a newline.</returns>
    public string ToMarkdown() => ToMarkdown(note: null);

    /// <summary>The report, with a note under the title (for example the commit and the machine measured on).</summary>
    /// <param name="note">One line of text; <see langword="null"/> for none.</param>
    /// <returns>Markdown text ending with a newline.</returns>
    public string ToMarkdown(string? note)
    {
        var text = new StringBuilder();
        CultureInfo invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"# TPC-H SF {ScaleFactor}: encrypted vs plaintext files, DuckDB, one database at a time\n\n");
        text.Append(invariant, $"Finished {Finished.UtcDateTime:yyyy-MM-dd HH:mm} UTC. ");
        if (!string.IsNullOrWhiteSpace(note))
        {
            text.Append(note.Trim()).Append(' ');
        }

        text.Append(invariant, $"{Repeat} repeat(s); machine load average {LoadBefore} before, {LoadAfter} after. ");
        text.Append(invariant, $"DuckDB memory limit {ByteSize.Format(MemoryLimitBytes)} for every variant. ");
        text.Append("Each repeat runs the three variants one after the other (order rotating), each loading its own database, running the queries and closing it, ");
        text.Append("so compared runs are adjacent in time and only one database is in memory. Times are medians over the repeats, in ms; a ratio is the median of the per-repeat ratios to *plain*.\n\n");
        text.Append("- *plain* (baseline): DuckDB `read_csv` on the plaintext .tbl files, then the queries.\n");
        text.Append(invariant, $"- *encrypted*: PpmlContext decrypting PPML containers ({Parts} part(s) per large table) into memory files, then the same queries.\n");
        text.Append("- *plain-context*: PpmlContext over the plaintext files (the memory-file path without decryption).\n\n");
        text.Append("Every answer of every run was checked equal to the first run's (SHA-256 of the answer as text).\n\n");
        text.Append("| step | plain | encrypted | ratio | plain-context | ratio |\n|---|---:|---:|---:|---:|---:|\n");
        Row(text, "load", (r, v) => _measurements.Load(r, v).Wall);
        foreach (int query in Queries)
        {
            string step = TpchBenchmarkMeasurements.Step(query);
            Row(text, step, (r, v) => _measurements.Get(r, v, step).Wall);
        }

        Row(text, "queries", (r, v) => _measurements.Queries(r, v, Queries).Wall);
        Row(text, "**total**", (r, v) => _measurements.Total(r, v, Queries).Wall);
        Row(text, "CPU, load", (r, v) => _measurements.Load(r, v).Cpu);
        Row(text, "CPU, queries", (r, v) => _measurements.Queries(r, v, Queries).Cpu);
        Row(text, "CPU, total", (r, v) => _measurements.Total(r, v, Queries).Cpu);
        text.Append(invariant, $"| **peak footprint (MiB)** | {GetMedianPeakBytes(Plain) / (1 << 20):0} | {GetMedianPeakBytes(Encrypted) / (1 << 20):0} | {FootprintRatio:0.00} | {GetMedianPeakBytes(PlainContext) / (1 << 20):0} | {GetFootprintRatio(PlainContext):0.00} |\n");
        text.Append(invariant, $"\n**Total ratio encrypted / plain: {TotalRatio:0.000}** (wall time, median of the per-repeat ratios; process CPU time: {CpuRatio:0.000}; ");
        text.Append(invariant, $"peak footprint: {FootprintRatio:0.000}). ");
        text.Append(invariant, $"All repeats summed: plain {Sum(Plain) / 1000:0.00} s, encrypted {Sum(Encrypted) / 1000:0.00} s, ratio {Sum(Encrypted) / Sum(Plain):0.000}.\n\n");
        double bestPlain = Best(Plain);
        double bestEncrypted = Best(Encrypted);
        text.Append(invariant, $"Least disturbed repeat of each variant (minimum total wall time): plain {bestPlain:0} ms, encrypted {bestEncrypted:0} ms, ");
        text.Append(invariant, $"plain-context {Best(PlainContext):0} ms; ratio encrypted / plain {bestEncrypted / bestPlain:0.000}.\n\n");
        text.Append(invariant, $"Footprint: the peak of each variant's process over its load and queries, measured by {FootprintMethod} ");
        text.Append("(`cgroup`: memory.peak of a cgroup made for that process, page cache included; `rss+memfd`: resident set plus the bytes in its memory files, sampled every 50 ms, ");
        text.Append("and at least the kernel's peak resident set). Each run's process, peak resident set and peak memory-file bytes (MiB):\n\n");
        text.Append("| repeat | variant | process | peak | peak RSS | peak memfd |\n|---:|---|---:|---:|---:|---:|\n");
        for (int repeat = 0; repeat < Repeat; repeat++)
        {
            foreach (string variant in TpchBenchmark.Variants)
            {
                if (GetRun(repeat, variant) is { } run)
                {
                    text.Append(invariant, $"| {repeat + 1} | {variant} | {run.ProcessId} | {run.Footprint.PeakBytes / (double)(1 << 20):0} | {run.Footprint.PeakResidentBytes / (double)(1 << 20):0} | {run.Footprint.PeakMemoryFileBytes / (double)(1 << 20):0} |\n");
                }
            }
        }

        text.Append("\n| generation | time (s) | rows/s | MB/s | files |\n|---|---:|---:|---:|---:|\n");
        Generation(text, "plain .tbl", PlainData, PlainGeneration);
        Generation(text, "encrypted .tbl.ppml", EncryptedData, EncryptedGeneration);
        text.Append(invariant, $"\nGeneration times exclude dbgen's text pool, built once per process before them ({TextPool.TotalSeconds:0.00} s). ");
        text.Append(invariant, $"Sizes: {PlainData.TotalRows:N0} rows, {PlainData.TotalBytes:N0} bytes of .tbl text (the containers add a header and 16 bytes per 1 MiB segment).\n");
        return text.ToString();
    }

    private static void Generation(StringBuilder text, string label, TpchGenerationResult data, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        text.Append(CultureInfo.InvariantCulture, $"| {label} | {seconds:0.00} | {data.TotalRows / seconds:N0} | {data.TotalBytes / seconds / 1e6:0.0} | {data.Parts.Count} |\n");
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private void Row(StringBuilder text, string label, Func<int, string, TimeSpan> measure)
    {
        text.Append(CultureInfo.InvariantCulture, $"| {label} | {Median(Plain, measure):0} | {Median(Encrypted, measure):0} | {Ratio(Encrypted, measure):0.00} | {Median(PlainContext, measure):0} | {Ratio(PlainContext, measure):0.00} |\n");
    }

    private IEnumerable<TpchBenchmarkVariantResult> Runs() =>
        Enumerable.Range(0, Repeat).SelectMany(r => TpchBenchmark.Variants.Select(v => _measurements.Run(r, v))).OfType<TpchBenchmarkVariantResult>();

    private double PeakBytes(int repeat, string variant) => _measurements.Run(repeat, variant)?.Footprint.PeakBytes ?? double.NaN;

    private TpchBenchmarkSample MedianSample(string variant, Func<int, string, TpchBenchmarkSample> measure) => new(
        TimeSpan.FromTicks((long)MedianOf(Enumerable.Range(0, Repeat).Select(r => (double)measure(r, variant).Wall.Ticks))),
        TimeSpan.FromTicks((long)MedianOf(Enumerable.Range(0, Repeat).Select(r => (double)measure(r, variant).Cpu.Ticks))));

    private double Sum(string variant) =>
        Enumerable.Range(0, Repeat).Sum(r => _measurements.Total(r, variant, Queries).Wall.TotalMilliseconds);

    private double Best(string variant) =>
        Enumerable.Range(0, Repeat).Min(r => _measurements.Total(r, variant, Queries).Wall.TotalMilliseconds);

    private double Median(string variant, Func<int, string, TimeSpan> measure) =>
        MedianOf(Enumerable.Range(0, Repeat).Select(r => measure(r, variant).TotalMilliseconds));

    /// <summary>The median over repeats of <paramref name="variant"/>'s value divided by plain's in the same repeat.</summary>
    private double Ratio(string variant, Func<int, string, TimeSpan> measure) =>
        MedianOf(Enumerable.Range(0, Repeat).Select(r => measure(r, Plain).Ticks > 0 ? (double)measure(r, variant).Ticks / measure(r, Plain).Ticks : double.NaN));
}
