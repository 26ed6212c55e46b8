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
        string markdown = result.ToMarkdown();
        Assert.StartsWith("# TPC-H SF 0.001: encrypted vs plaintext files, DuckDB, one process\n", markdown, StringComparison.Ordinal);
        Assert.Contains("\n| Q1 | ", markdown, StringComparison.Ordinal);
        Assert.Contains("\n| Q6 | ", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| Q2 |", markdown, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
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
    }

    private static void Add(TpchBenchmarkMeasurements measurements, int repeat, string variant, int loadMilliseconds, int queryMilliseconds)
    {
        // CPU is twice the wall time for the encrypted variant and equal to it otherwise, so the CPU ratio is 2 x 1.5 = 3.
        int cpu = variant == TpchBenchmark.EncryptedVariant ? 2 : 1;
        measurements.Add(repeat, variant, TpchBenchmarkMeasurements.LoadStep, Sample(loadMilliseconds, cpu));
        measurements.Add(repeat, variant, TpchBenchmarkMeasurements.Step(6), Sample(queryMilliseconds, cpu));
    }

    private static TpchBenchmarkSample Sample(int milliseconds, int cpuFactor) =>
        new(TimeSpan.FromMilliseconds(milliseconds), TimeSpan.FromMilliseconds(milliseconds * cpuFactor));

    private static TpchBenchmarkResult NewResult(TpchBenchmarkMeasurements measurements, int repeat)
    {
        var data = new TpchGenerationResult(
            0.001, new Dictionary<TpchTable, long> { [TpchTable.Nation] = 25 }, new Dictionary<TpchTable, long> { [TpchTable.Nation] = 2224 }, []);
        return new TpchBenchmarkResult(0.001, repeat, 1, [6], measurements, data, TimeSpan.FromSeconds(1), data, TimeSpan.FromSeconds(1), TimeSpan.Zero, "1.00 on 2 cores", "1.00 on 2 cores");
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

        public void VariantMeasured(int repeat, string variant, TpchBenchmarkSample load, TpchBenchmarkSample queries) =>
            Measured.Add((repeat, variant, load, queries));
    }
}
