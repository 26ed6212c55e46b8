using System.Collections.Concurrent;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

public sealed class TpchGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_DifferentPartCountsAndThreads_ProduceIdenticalTables()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Dictionary<TpchTable, byte[]> whole = await GenerateInMemoryAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 1, MaxDegreeOfParallelism = 1 }, cancellationToken);
        Dictionary<TpchTable, byte[]> split = await GenerateInMemoryAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 7, MaxDegreeOfParallelism = 3 }, cancellationToken);

        Assert.Equal(TpchSchema.Tables.Order(), whole.Keys.Order());
        foreach (TpchTable table in TpchSchema.Tables)
        {
            Assert.True(whole[table].AsSpan().SequenceEqual(split[table]), $"{table} differs between 1 and 7 parts.");
        }
    }

    [Fact]
    public async Task GenerateAsync_SingleTable_EqualsTheSameTableGeneratedWithItsCompanion()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Dictionary<TpchTable, byte[]> both = await GenerateInMemoryAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Tables = [TpchTable.Orders, TpchTable.LineItem, TpchTable.Part, TpchTable.PartSupp] }, cancellationToken);
        Dictionary<TpchTable, byte[]> alone = await GenerateInMemoryAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 2, Tables = [TpchTable.LineItem, TpchTable.Part] }, cancellationToken);
        Dictionary<TpchTable, byte[]> others = await GenerateInMemoryAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 3, Tables = [TpchTable.Orders, TpchTable.PartSupp] }, cancellationToken);

        Assert.Equal(both[TpchTable.LineItem], alone[TpchTable.LineItem]);
        Assert.Equal(both[TpchTable.Part], alone[TpchTable.Part]);
        Assert.Equal(both[TpchTable.Orders], others[TpchTable.Orders]);
        Assert.Equal(both[TpchTable.PartSupp], others[TpchTable.PartSupp]);
    }

    [Fact]
    public async Task GenerateAsync_Sf001_ReportsDbgensRowCountsAndBytes()
    {
        var parts = new ConcurrentDictionary<TpchPart, MemoryStream>();
        TpchGenerationResult result = await TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 2 },
            (part, _) => ValueTask.FromResult<Stream>(parts[part] = new MemoryStream()),
            (_, _, _) => ValueTask.CompletedTask,
            cancellationToken: TestContext.Current.CancellationToken);

        var expected = new Dictionary<TpchTable, long>
        {
            [TpchTable.Part] = 2_000,
            [TpchTable.Supplier] = 100,
            [TpchTable.PartSupp] = 8_000,
            [TpchTable.Customer] = 1_500,
            [TpchTable.Orders] = 15_000,
            [TpchTable.LineItem] = 60_175,
            [TpchTable.Nation] = 25,
            [TpchTable.Region] = 5,
        };
        Assert.Equal(expected.OrderBy(pair => pair.Key), result.Rows.OrderBy(pair => pair.Key));
        Assert.Equal(2 * 6 + 2, result.Parts.Count);
        foreach (TpchTable table in TpchSchema.Tables)
        {
            long bytes = parts.Where(pair => pair.Key.Table == table).Sum(pair => pair.Value.ToArray().LongLength);
            long lines = parts.Where(pair => pair.Key.Table == table).Sum(pair => pair.Value.ToArray().Count(b => b == (byte)'\n'));
            Assert.Equal(bytes, result.Bytes[table]);
            Assert.Equal(expected[table], lines);
        }
    }

    [Theory]
    [InlineData(0.01, 60_175L)]
    [InlineData(0.1, 600_572L)]
    [InlineData(1, 6_001_215L)]
    public void GetRowCount_LineItem_MatchesDbgen(double scaleFactor, long expected)
    {
        Assert.Equal(expected, TpchGenerator.GetRowCount(TpchTable.LineItem, scaleFactor));
    }

    [Theory]
    [InlineData(TpchTable.Part, 1, 200_000L)]
    [InlineData(TpchTable.PartSupp, 10, 8_000_000L)]
    [InlineData(TpchTable.Supplier, 0.001, 10L)]
    [InlineData(TpchTable.Customer, 0.5, 75_000L)]
    [InlineData(TpchTable.Orders, 100, 150_000_000L)]
    [InlineData(TpchTable.Nation, 1000, 25L)]
    [InlineData(TpchTable.Region, 0.01, 5L)]
    public void GetRowCount_FixedCardinalities_FollowTheSpecification(TpchTable table, double scaleFactor, long expected)
    {
        Assert.Equal(expected, TpchGenerator.GetRowCount(table, scaleFactor));
    }

    [Fact]
    public async Task GenerateAsync_Progress_EndsWithEveryRowAndPart()
    {
        var progress = new SynchronousProgress();
        TpchGenerationResult result = await TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 3, Tables = [TpchTable.Orders, TpchTable.LineItem, TpchTable.Nation] },
            (_, _) => ValueTask.FromResult<Stream>(new MemoryStream()),
            (_, _, _) => ValueTask.CompletedTask,
            progress,
            TestContext.Current.CancellationToken);

        TpchProgress last = progress.Reports.Last();
        Assert.Equal(15_000 + 60_175 + 25, last.TotalRows);
        Assert.Equal(last.TotalRows, last.RowsGenerated);
        Assert.Equal(result.TotalBytes, last.BytesGenerated);
        Assert.Equal(7, last.TotalParts);
        Assert.Equal(7, progress.Reports.Max(report => report.PartsCompleted));
        Assert.True(progress.Reports.Count > 7);
    }

    [Fact]
    public async Task GenerateAsync_OpenPartFails_PropagatesAndCompletesNothingOfThatPart()
    {
        var completed = new ConcurrentBag<TpchPart>();
        var disposed = new ConcurrentBag<TpchPart>();
        var error = new IOException("disk full");

        IOException thrown = await Assert.ThrowsAsync<IOException>(() => TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Tables = [TpchTable.Part, TpchTable.PartSupp], MaxDegreeOfParallelism = 1 },
            (part, _) => part.Table == TpchTable.PartSupp
                ? throw error
                : ValueTask.FromResult<Stream>(new TrackingStream(() => disposed.Add(part))),
            (part, _, _) =>
            {
                completed.Add(part);
                return ValueTask.CompletedTask;
            },
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Same(error, thrown);
        Assert.Empty(completed);
        Assert.Single(disposed);
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_CompletesNoPart()
    {
        using var cancellation = new CancellationTokenSource();
        var completed = new ConcurrentBag<TpchPart>();
        int writes = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = 0.1, Tables = [TpchTable.LineItem], MaxDegreeOfParallelism = 1 },
            (part, _) => ValueTask.FromResult<Stream>(new TrackingStream(() => { }, onWrite: () =>
            {
                if (Interlocked.Increment(ref writes) == 2)
                {
                    cancellation.Cancel();
                }
            })),
            (part, _, _) =>
            {
                completed.Add(part);
                return ValueTask.CompletedTask;
            },
            cancellationToken: cancellation.Token));

        Assert.Empty(completed);
    }

    [Fact]
    public async Task GenerateToDirectoryAsync_Parts_UsesDbgenFileNamesAndLeavesNoTemporaries()
    {
        using var directory = new TempDirectory();

        TpchGenerationResult result = await TpchGenerator.GenerateToDirectoryAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 2, Tables = [TpchTable.Customer, TpchTable.Region] },
            directory.Path,
            cancellationToken: TestContext.Current.CancellationToken);

        string[] files = [.. Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["customer.tbl.1", "customer.tbl.2", "region.tbl"], files);
        Assert.Equal(result.Bytes[TpchTable.Customer], new FileInfo(directory.Combine("customer.tbl.1")).Length + new FileInfo(directory.Combine("customer.tbl.2")).Length);
        Assert.Equal(750, File.ReadLines(directory.Combine("customer.tbl.1")).Count());
        Assert.StartsWith("751|Customer#000000751|", File.ReadLines(directory.Combine("customer.tbl.2")).First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateToDirectoryAsync_Failure_LeavesNoTemporaryFiles()
    {
        using var directory = new TempDirectory();
        string blocker = directory.Combine("out");
        await File.WriteAllTextAsync(blocker, "a file where a folder is expected", TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<IOException>(() => TpchGenerator.GenerateToDirectoryAsync(
            new TpchGenerationOptions { ScaleFactor = 0.01, Tables = [TpchTable.Region] },
            blocker,
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal([blocker], Directory.GetFiles(directory.Path));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    [InlineData(0.0005)]
    [InlineData(30_000.0)]
    public async Task GenerateAsync_InvalidScaleFactor_ThrowsNamingIt(double scaleFactor)
    {
        ArgumentOutOfRangeException error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = scaleFactor },
            (_, _) => ValueTask.FromResult<Stream>(new MemoryStream()),
            (_, _, _) => ValueTask.CompletedTask,
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("ScaleFactor", error.ParamName);
    }

    [Fact]
    public void Validate_BadPartsParallelismOrTables_Throws()
    {
        Assert.Equal("Parts", Assert.Throws<ArgumentOutOfRangeException>(() => new TpchGenerationOptions { Parts = 0 }.Validate()).ParamName);
        Assert.Equal("MaxDegreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => new TpchGenerationOptions { MaxDegreeOfParallelism = 0 }.Validate()).ParamName);
        Assert.Equal("Tables", Assert.Throws<ArgumentException>(() => new TpchGenerationOptions { Tables = [] }.Validate()).ParamName);
        Assert.Equal("Tables", Assert.Throws<ArgumentOutOfRangeException>(() => new TpchGenerationOptions { Tables = [(TpchTable)42] }.Validate()).ParamName);
    }

    [Fact]
    public void FileName_SingleAndSplitParts_FollowsDbgen()
    {
        Assert.Equal("lineitem.tbl", new TpchPart(TpchTable.LineItem, 0, 1).FileName);
        Assert.Equal("lineitem.tbl.1", new TpchPart(TpchTable.LineItem, 0, 4).FileName);
        Assert.Equal("partsupp.tbl.4", new TpchPart(TpchTable.PartSupp, 3, 4).FileName);
    }

    private static async Task<Dictionary<TpchTable, byte[]>> GenerateInMemoryAsync(TpchGenerationOptions options, CancellationToken cancellationToken)
    {
        var parts = new ConcurrentDictionary<TpchPart, MemoryStream>();
        var completed = new ConcurrentDictionary<TpchPart, byte[]>();
        await TpchGenerator.GenerateAsync(
            options,
            (part, _) => ValueTask.FromResult<Stream>(parts[part] = new MemoryStream()),
            (part, stream, _) =>
            {
                Assert.Same(parts[part], stream);
                completed[part] = parts[part].ToArray();
                return ValueTask.CompletedTask;
            },
            cancellationToken: cancellationToken);

        Assert.Equal(parts.Count, completed.Count);
        return completed
            .GroupBy(pair => pair.Key.Table)
            .ToDictionary(group => group.Key, group => group.OrderBy(pair => pair.Key.Index).SelectMany(pair => pair.Value).ToArray());
    }

    private sealed class SynchronousProgress : IProgress<TpchProgress>
    {
        private readonly Lock _lock = new();

        public List<TpchProgress> Reports { get; } = [];

        public void Report(TpchProgress value)
        {
            lock (_lock)
            {
                Reports.Add(value);
            }
        }
    }

    private sealed class TrackingStream(Action onDispose, Action? onWrite = null) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onWrite?.Invoke();
            return base.WriteAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            onDispose();
            base.Dispose(disposing);
        }
    }
}
