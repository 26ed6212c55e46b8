using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary><see cref="TpchBenchmark"/> end to end at SF 0.001: what it generates, measures, reports and cleans up.</summary>
public sealed class TpchBenchmarkTests : IClassFixture<KmsFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public TpchBenchmarkTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_TwoRepeats_ReportsEveryVariantAndDeletesTheData()
    {
        var observer = new RecordingObserver();

        TpchBenchmarkResult result = await TpchBenchmark.RunAsync(Options(repeat: 2, parts: 2, queries: [1, 6]), observer, TestContext.Current.CancellationToken);

        Assert.Equal(["plain 8 part(s)", "encrypted 14 part(s)"], observer.Generations);
        Assert.Equal(
            ["0 plain", "0 encrypted", "0 plain-context", "1 plain", "1 encrypted", "1 plain-context"],
            observer.Measured.Select(m => $"{m.Repeat} {m.Variant}"));
        Assert.All(observer.Measured, m => Assert.True(m.Load.Wall > TimeSpan.Zero && m.Queries.Wall > TimeSpan.Zero, m.Variant));
        Assert.Equal(2, result.Repeat);
        Assert.Equal(2, result.Parts);
        Assert.Equal([1, 6], result.Queries);
        Assert.Equal(result.PlainData.TotalBytes, result.EncryptedData.TotalBytes);
        Assert.True(result.TotalRatio > 0, $"ratio {result.TotalRatio}");
        Assert.True(result.FootprintRatio > 0, $"footprint ratio {result.FootprintRatio}");
        Assert.Equal(6, observer.Runs.Count);
        for (int repeat = 0; repeat < 2; repeat++)
        {
            foreach (string variant in TpchBenchmark.Variants)
            {
                TpchBenchmarkVariantResult run = Assert.IsType<TpchBenchmarkVariantResult>(result.GetRun(repeat, variant));
                Assert.Equal(Environment.ProcessId, run.ProcessId); // no RunVariantAsync: in this process, one database at a time
                Assert.True(run.Footprint.PeakBytes > 0 && run.Footprint.Samples > 0, variant);
                Assert.InRange(run.MemoryLimitBytes, 995_000_000, 1_005_000_000); // the options' 1GB, plain DuckDB included
                Assert.Equal([1, 6], run.Queries.Select(q => q.Query));
            }
        }

        string markdown = result.ToMarkdown("commit abc1234");
        Assert.StartsWith("# TPC-H SF 0.001: encrypted vs plaintext files, DuckDB, one database at a time\n", markdown, StringComparison.Ordinal);
        Assert.Contains("commit abc1234", markdown, StringComparison.Ordinal);
        Assert.Matches(@"\| \*\*peak footprint \(MiB\)\*\* \| \d+ \| \d+ \| \d+\.\d\d \|", markdown);
        Assert.Contains("\n| Q1 | ", markdown, StringComparison.Ordinal);
        Assert.Contains("\n| Q6 | ", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| Q2 |", markdown, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task RunAsync_VariantAnswersDifferently_ThrowsAndDeletesTheData()
    {
        var requests = new List<TpchBenchmarkVariantRequest>();
        TpchBenchmarkOptions options = Options(repeat: 1, parts: 1, queries: [6]);
        options = new TpchBenchmarkOptions
        {
            Generation = options.Generation, Repeat = 1, Queries = options.Queries, WorkDirectory = options.WorkDirectory, Kms = options.Kms, KeyName = options.KeyName,
            ContextOptions = options.ContextOptions,
            RunVariantAsync = async (request, token) =>
            {
                requests.Add(request);
                TpchBenchmarkVariantResult run = await TpchBenchmark.RunVariantAsync(request, _fixture.Kms, cancellationToken: token);
                // The encrypted run's answer is tampered with: the digest must catch it.
                return request.Variant != TpchBenchmark.EncryptedVariant ? run : run with { Queries = [.. run.Queries.Select(q => q with { AnswerDigest = new string('0', 64) })] };
            },
        };

        TpchBenchmarkException exception = await Assert.ThrowsAsync<TpchBenchmarkException>(() => TpchBenchmark.RunAsync(options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Query 6 answered differently in the encrypted run than in the plain run; the benchmark is void.", exception.Message);
        Assert.Equal([TpchBenchmark.PlainVariant, TpchBenchmark.EncryptedVariant], requests.Select(r => r.Variant));
        Assert.All(requests, r => Assert.Equal("1GB", r.MemoryLimit));
        Assert.EndsWith("plain", requests[0].DataDirectory, StringComparison.Ordinal);
        Assert.EndsWith("encrypted", requests[1].DataDirectory, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void DigestAnswer_AnyDifference_ChangesTheDigest()
    {
        var answer = new TpchQueryResult(6, ["revenue"], [["1.00"], ["2.00"]], TimeSpan.Zero);

        string digest = TpchBenchmark.DigestAnswer(answer);

        Assert.Equal(digest, TpchBenchmark.DigestAnswer(answer with { Elapsed = TimeSpan.FromSeconds(1) }));
        Assert.NotEqual(digest, TpchBenchmark.DigestAnswer(answer with { Rows = [["2.00"], ["1.00"]] }));
        Assert.NotEqual(digest, TpchBenchmark.DigestAnswer(answer with { Rows = [["1.00", "2.00"]] }));
        Assert.NotEqual(digest, TpchBenchmark.DigestAnswer(answer with { Rows = [["1.002.00"]] }));
        Assert.NotEqual(digest, TpchBenchmark.DigestAnswer(answer with { Columns = ["revenue2"] }));
    }

    [Fact]
    public async Task RunAsync_NoRepeat_ThrowsBeforeGenerating()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TpchBenchmark.RunAsync(Options(repeat: 0, parts: 1, queries: [6]), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task RunAsync_UnknownQuery_ThrowsBeforeGenerating()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TpchBenchmark.RunAsync(Options(repeat: 1, parts: 1, queries: [23]), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Result_Ratios_AreMediansOfPerRepeatRatios()
    {
        var measurements = new TpchBenchmarkMeasurements();
        // Encrypted / plain totals per repeat: 150/100 = 1.5, 400/200 = 2.0, 100/100 = 1.0: the median is 1.5 (a ratio of
        // sums would give 650/400 = 1.625).
        int[][] wall = [[60, 40, 90, 60, 70, 50], [120, 80, 250, 150, 130, 90], [50, 50, 50, 50, 60, 60]];
        for (int repeat = 0; repeat < 3; repeat++)
        {
            int[] ms = wall[repeat];
            Add(measurements, repeat, TpchBenchmark.PlainVariant, ms[0], ms[1]);
            Add(measurements, repeat, TpchBenchmark.EncryptedVariant, ms[2], ms[3]);
            Add(measurements, repeat, TpchBenchmark.PlainContextVariant, ms[4], ms[5]);
        }

        TpchBenchmarkResult result = NewResult(measurements, repeat: 3);

        Assert.Equal(1.5, result.TotalRatio, precision: 9);
        Assert.Equal(3.0, result.CpuRatio, precision: 9);
        string markdown = result.ToMarkdown();
        Assert.Contains("| load | 60 | 90 | 1.50 | 70 | 1.17 |", markdown, StringComparison.Ordinal);
        Assert.Contains("**Total ratio encrypted / plain: 1.500**", markdown, StringComparison.Ordinal);
        Assert.Contains("All repeats summed: plain 0.40 s, encrypted 0.65 s, ratio 1.625.", markdown, StringComparison.Ordinal);
        // Peaks plain 100, 200, 300 MiB; encrypted 130, 400, 300: per-repeat ratios 1.3, 2.0, 1.0, median 1.3 (the ratio of
        // the medians would be 1.5).
        Assert.Equal(1.3, result.FootprintRatio, precision: 9);
        Assert.Contains("| **peak footprint (MiB)** | 200 | 300 | 1.30 |", markdown, StringComparison.Ordinal);
    }

    private static void Add(TpchBenchmarkMeasurements measurements, int repeat, string variant, int loadMilliseconds, int queryMilliseconds)
    {
        // CPU is twice the wall time for the encrypted variant and equal to it otherwise, so the CPU ratio is 2 x 1.5 = 3.
        int cpu = variant == TpchBenchmark.EncryptedVariant ? 2 : 1;
        long[] encrypted = [130, 400, 300];
        long mebibytes = variant == TpchBenchmark.EncryptedVariant ? encrypted[repeat] : (repeat + 1) * 100;
        var footprint = new Ppml.Core.Diagnostics.FootprintReport(mebibytes << 20, "rss+memfd", mebibytes << 20, mebibytes << 20, 0, null, 1);
        measurements.Add(repeat, new TpchBenchmarkVariantResult(
            variant, 1000 + repeat, Sample(loadMilliseconds, cpu), [new TpchBenchmarkQuerySample(6, Sample(queryMilliseconds, cpu), 1, "digest")], footprint, 1L << 30));
    }

    private static TpchBenchmarkSample Sample(int milliseconds, int cpuFactor) =>
        new(TimeSpan.FromMilliseconds(milliseconds), TimeSpan.FromMilliseconds(milliseconds * cpuFactor));

    private static TpchBenchmarkResult NewResult(TpchBenchmarkMeasurements measurements, int repeat)
    {
        var data = new TpchGenerationResult(
            0.001, new Dictionary<TpchTable, long> { [TpchTable.Nation] = 25 }, new Dictionary<TpchTable, long> { [TpchTable.Nation] = 2224 }, []);
        return new TpchBenchmarkResult(0.001, repeat, 1, [6], measurements, DateTimeOffset.UnixEpoch, data, TimeSpan.FromSeconds(1), data, TimeSpan.FromSeconds(1), TimeSpan.Zero, "1.00 on 2 cores", "1.00 on 2 cores");
    }

    private TpchBenchmarkOptions Options(int repeat, int parts, IReadOnlyList<int> queries) => new()
    {
        Generation = new TpchGenerationOptions { ScaleFactor = 0.001, Parts = parts },
        Repeat = repeat,
        Queries = queries,
        WorkDirectory = _temp.Path,
        Kms = _fixture.Kms,
        KeyName = "primary",
        ContextOptions = new PpmlContextOptions { MemoryLimit = "1GB" },
    };

    private sealed class RecordingObserver : ITpchBenchmarkObserver
    {
        public List<string> Generations { get; } = [];

        public List<(int Repeat, string Variant, TpchBenchmarkSample Load, TpchBenchmarkSample Queries)> Measured { get; } = [];

        public IProgress<TpchProgress>? GenerationStarting(TpchGenerationOptions options, TpchEncryption? encryption) => null;

        public void GenerationFinished(TpchGenerationResult result, TimeSpan elapsed, TpchEncryption? encryption) =>
            Generations.Add($"{(encryption is null ? "plain" : "encrypted")} {result.Parts.Count} part(s)");

        public List<TpchBenchmarkVariantResult> Runs { get; } = [];

        public void VariantMeasured(int repeat, string variant, TpchBenchmarkSample load, TpchBenchmarkSample queries) =>
            Measured.Add((repeat, variant, load, queries));

        public void VariantRun(int repeat, TpchBenchmarkVariantResult run) => Runs.Add(run);
    }
}
