using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests.Regressions;

/// <summary>
/// Issue 12, "persist loaded tables encrypted": a TPC-H run saves its loaded tables beside the parts; the next run
/// attaches them instead of parsing, with the same answers; replaced parts make the saved tables stale, and they are not used.
/// </summary>
public sealed class Issue12_SavedTpchTables : IClassFixture<KmsFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public Issue12_SavedTpchTables(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task SecondRun_AttachesTheSavedTables_UntilAPartChanges()
    {
        Require.Service(OperatingSystem.IsLinux(), "saved tables are built in memory files (Linux)", "Run it on Linux (x64 or arm64), where CI runs.");
        string data = _temp.Combine("data");
        var encryption = new TpchEncryption(_fixture.Kms, "primary");
        await TpchDatasetWriter.WriteAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Parts = 2 }, data, encryption, cancellationToken: Token);
        int[] queries = [.. TpchQueries.All];

        TpchRunSummary first = await RunAsync(data, TpchSavedTables.Ignore);
        TpchRunSummary saving = await RunAsync(data, TpchSavedTables.UseOrSave); // parsed straight into the saved database, then attached
        TpchRunSummary second = await RunAsync(data, TpchSavedTables.Use);

        Assert.True(File.Exists(Path.Combine(data, TpchDataset.SavedTablesFileName)));
        Assert.All(first.Tables, t => Assert.NotEqual("saved", t.Transport));
        Assert.Equal(8, second.Tables.Count);
        Assert.All(saving.Tables, t => Assert.Equal("saved", t.Transport));
        Assert.All(second.Tables, t => Assert.Equal("saved", t.Transport));
        Assert.Equal(Answers(first), Answers(saving));
        Assert.Equal(Answers(first), Answers(second));
        Assert.Equal(first.Tables.Sum(t => t.Rows), second.Tables.Sum(t => t.Rows));

        // The owner re-encrypts one table: same rows, new containers. The saved tables no longer match and are not used.
        string nation = Path.Combine(data, "nation.tbl.ppml");
        Assert.True(File.Exists(nation), string.Join(", ", Directory.EnumerateFileSystemEntries(data).Select(Path.GetFileName)));
        await TpchDatasetWriter.WriteAsync(new TpchGenerationOptions { ScaleFactor = 0.01, Tables = [TpchTable.Nation] }, _temp.Combine("again"), encryption, cancellationToken: Token);
        File.Copy(Path.Combine(_temp.Combine("again"), "nation.tbl.ppml"), nation, overwrite: true);

        TpchRunSummary third = await RunAsync(data, TpchSavedTables.Use);

        Assert.All(third.Tables, t => Assert.NotEqual("saved", t.Transport));
        Assert.Equal(Answers(first), Answers(third));
    }

    private static string Answers(TpchRunSummary summary) =>
        string.Join("\n", summary.Results.Select(r => r.Query + ":" + string.Join(";", r.Rows.Select(row => string.Join("|", row)))));

    private async Task<TpchRunSummary> RunAsync(string data, TpchSavedTables saved)
    {
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "1GB" }, Token);
        return await TpchDataset.Locate(data).LoadAndRunAsync(context, TpchQueries.All, requireEncrypted: true, savedTables: saved, cancellationToken: Token);
    }
}
