using Ppml.Crypto.Container;
using Ppml.Data;
using Ppml.Data.Tables;
using Ppml.Testing;
using Ppml.Workloads.Data;

namespace Ppml.Workloads.Tests.Data;

public sealed class SqlWorkloadTests : IClassFixture<FileSession>
{
    private readonly FileSession _kms;

    public SqlWorkloadTests(FileSession kms)
    {
        _kms = kms;
    }

    [Fact]
    public async Task RunAsync_NoOutput_ReturnsRowsAndReportsEachTable()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("p.csv"), "name,age\nalice,30\nbob,25\n", cancellationToken);
        var loaded = new List<TableInfo>();
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        SqlWorkloadResult result = await SqlWorkload.RunAsync(
            session,
            new SqlWorkloadOptions { Query = "SELECT name FROM p ORDER BY age", Tables = TableSources.Parse(["p=p.csv"], [], false, p => temp.Combine(p)) },
            new Collect(loaded),
            cancellationToken);

        Assert.Equal(["bob", "alice"], result.Rows!.Rows.Select(r => (string)r[0]!));
        Assert.Null(result.Written);
        Assert.Equal(result.Tables, loaded);
        Assert.Equal(2, loaded.Single().Rows);
    }

    [Theory]
    [InlineData("256MB", 256_000_000)]
    [InlineData("2GiB", 2L << 30)]
    public async Task RunAsync_Issue12_MemoryLimit_ReportsEffectiveLimitAndFootprint(string limit, long expected)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        SqlWorkloadResult result = await SqlWorkload.RunAsync(session, new SqlWorkloadOptions { Query = "SELECT 42", MemoryLimit = limit }, cancellationToken: cancellationToken);

        Assert.InRange(result.MemoryLimitBytes, expected * 0.995, expected * 1.005);
        Assert.NotNull(result.Footprint);
        Assert.True(result.Footprint.PeakBytes >= result.Footprint.PeakResidentBytes && result.Footprint.PeakResidentBytes > 0);
    }

    [Fact]
    public async Task OpenContextAsync_Issue12_MemoryLimit_AppliesToTheContext()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        await using PpmlContext limited = await session.OpenContextAsync("300MB", cancellationToken);
        await using PpmlContext standard = await session.OpenContextAsync(cancellationToken);

        Assert.InRange(limited.MemoryLimitBytes, 298_500_000, 301_500_000);
        Assert.InRange(standard.MemoryLimitBytes, PpmlContextOptions.DefaultMemoryLimitBytes * 0.995, PpmlContextOptions.DefaultMemoryLimitBytes * 1.005);
        Assert.Equal(session.DefaultKeyName, limited.Options.DefaultKeyName);
    }

    [Theory]
    [InlineData(null, "name\nbob\nalice\n")]
    [InlineData(DatasetFormat.Json, "{\"name\":\"bob\"}\n{\"name\":\"alice\"}\n")]
    public async Task RunAsync_Issue11_OutputWriter_StreamsCsvOrJsonLines(DatasetFormat? format, string expected)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("p.csv"), "name,age\nalice,30\nbob,25\n", cancellationToken);
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);
        using var output = new StringWriter();

        SqlWorkloadResult result = await SqlWorkload.RunAsync(
            session,
            new SqlWorkloadOptions { Query = "SELECT name FROM p ORDER BY age", Tables = TableSources.Parse(["p=p.csv"], [], false, p => temp.Combine(p)), OutputWriter = output, OutputFormat = format },
            cancellationToken: cancellationToken);

        Assert.Equal(expected, output.ToString());
        Assert.Equal(2, result.TextRows);
        Assert.Null(result.Rows);
    }

    [Fact]
    public async Task RunAsync_Issue11_UnreferencedTableIsNeverRead()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("p.csv"), "name,age\nalice,30\n", cancellationToken);
        await File.WriteAllTextAsync(temp.Combine("broken.csv"), "a,b\n1,2,3\n", cancellationToken);
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        SqlWorkloadResult result = await SqlWorkload.RunAsync(
            session,
            new SqlWorkloadOptions { Query = "SELECT count(*) AS n FROM p", Tables = TableSources.Parse(["p=p.csv", "broken=broken.csv"], [], false, p => temp.Combine(p)) },
            cancellationToken: cancellationToken);

        Assert.Equal(["p"], result.Tables.Select(t => t.Name));
        Assert.Equal(1L, result.Rows!.Rows[0][0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n ")]
    public async Task RunAsync_Issue11_EmptyQuery_IsInvalidInput(string query)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => SqlWorkload.RunAsync(session, new SqlWorkloadOptions { Query = query }, cancellationToken: cancellationToken));

        Assert.True(error.IsInvalidInput);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EncryptedCsvOutput_IsAContainerNamedPpmlUnderTheDefaultKey()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("d.json"), "{\"k\":\"SECRET-ONE\"}\n", cancellationToken);
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        SqlWorkloadResult result = await SqlWorkload.RunAsync(
            session,
            new SqlWorkloadOptions { Query = "SELECT k FROM d", Tables = TableSources.Parse(["d=d.json"], [], false, p => temp.Combine(p)), Output = temp.Combine("out.csv"), Encrypt = true },
            cancellationToken: cancellationToken);

        Assert.Equal(temp.Combine("out.csv.ppml"), result.Written!.Path);
        Assert.Equal(DatasetFormat.Csv, result.Written.Format);
        Assert.Equal("primary", result.KeyName);
        byte[] bytes = await File.ReadAllBytesAsync(temp.Combine("out.csv.ppml"), cancellationToken);
        Assert.True(PpmlContainer.LooksLikeContainer(bytes));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("SECRET"u8));
    }

    [Fact]
    public async Task RunAsync_TextOutput_IsInvalidInputAndWritesNothing()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => SqlWorkload.RunAsync(
            session, new SqlWorkloadOptions { Query = "SELECT 1", Output = temp.Combine("out.txt") }, cancellationToken: cancellationToken));

        Assert.True(error.IsInvalidInput);
        Assert.Equal("Results are written as csv, json or parquet, not text.", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    private sealed class Collect(List<TableInfo> tables) : IProgress<TableInfo>
    {
        public void Report(TableInfo value) => tables.Add(value);
    }
}
