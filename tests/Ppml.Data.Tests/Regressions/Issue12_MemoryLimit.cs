namespace Ppml.Data.Tests.Regressions;

/// <summary>
/// Issue 12, part 4: the memory limit a context runs with is a safe share of the machine by default (70% of the memory
/// available to the process, not DuckDB's 80% of physical memory) and is read back from DuckDB, so reports show the
/// limit DuckDB enforces.
/// </summary>
public sealed class Issue12_MemoryLimit : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public Issue12_MemoryLimit(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("64MB", 64_000_000)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("3GiB", 3L << 30)]
    public async Task OpenAsync_MemoryLimit_IsReadBackFromDuckDb(string limit, long expected)
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = limit }, Token);

        // DuckDB reports the limit to three significant digits (1GB reads back as 953.6 MiB).
        Assert.InRange(context.MemoryLimitBytes, expected * 0.995, expected * 1.005);
    }

    [Fact]
    public async Task OpenAsync_NoMemoryLimit_GivesDuckDbSeventyPercentOfAvailableMemory()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, cancellationToken: Token);

        Assert.Equal((long)(available * 0.7), PpmlContextOptions.DefaultMemoryLimitBytes);
        Assert.InRange(context.MemoryLimitBytes, available * 0.695, available * 0.705);
    }

    [Fact]
    public async Task OpenAsync_MemoryLimitDuckDbRefuses_ThrowsArgumentException()
    {
        ArgumentException exception = await Assert.ThrowsAsync<ArgumentException>(
            () => PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "lots" }, Token));

        Assert.Contains("memory_limit", exception.Message, StringComparison.Ordinal);
    }
}
