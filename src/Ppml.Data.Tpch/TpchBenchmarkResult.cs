using System.Globalization;
using System.Text;

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
    public double TotalRatio => Ratio(Encrypted, (r, v) => _measurements.Total(r, v, Queries).Wall);

    /// <summary>As <see cref="TotalRatio"/>, with process CPU time.</summary>
    public double CpuRatio => Ratio(Encrypted, (r, v) => _measurements.Total(r, v, Queries).Cpu);

    /// <summary>The report: method, a table of medians and ratios per step, totals, and the generation times.</summary>
    /// <returns>Markdown text ending with a newline.</returns>
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
