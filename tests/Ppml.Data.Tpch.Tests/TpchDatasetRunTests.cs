using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary><see cref="TpchDataset.LoadAndRunAsync"/>: the whole run over encrypted parts, and what its observer hears.</summary>
public sealed class TpchDatasetRunTests : IClassFixture<KmsFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly KmsFixture _fixture;

    public TpchDatasetRunTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task LoadAndRunAsync_EncryptedParts_ObserverHearsTablesThenScaleFactorThenQueries()
    {
        string data = _temp.Combine("data");
        await TpchDatasetWriter.WriteAsync(
            new TpchGenerationOptions { ScaleFactor = 0.001, Parts = 2 }, data, new TpchEncryption(_fixture.Kms, "primary"), cancellationToken: TestContext.Current.CancellationToken);
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "1GB" }, TestContext.Current.CancellationToken);
        var observer = new RecordingObserver();

        TpchRunSummary summary = await TpchDataset.Locate(data).LoadAndRunAsync(
            context, [6, 1], requireEncrypted: true, observer: observer, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(8, observer.Events.Count(e => e.StartsWith("table ", StringComparison.Ordinal)));
        Assert.Equal(["scale factor 0.001 detected, 2 queries", "query 6", "query 1"], observer.Events.Skip(8));
        Assert.Equal([6, 1], summary.Results.Select(r => r.Query));
        Assert.Equal(0.001, summary.ScaleFactor);
        Assert.Equal(8, summary.EncryptedTables);
        Assert.StartsWith("TPC-H SF 0.001: 2 queries in ", summary.Describe(), StringComparison.Ordinal);
        Assert.Contains("8 of 8 encrypted", summary.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAndRunAsync_GivenScaleFactor_IsNotDetected()
    {
        string data = _temp.Combine("data");
        await TpchDatasetWriter.WriteAsync(new TpchGenerationOptions { ScaleFactor = 0.001 }, data, encryption: null, cancellationToken: TestContext.Current.CancellationToken);
        await using PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { MemoryLimit = "1GB" }, TestContext.Current.CancellationToken);
        var observer = new RecordingObserver();

        TpchRunSummary summary = await TpchDataset.Locate(data).LoadAndRunAsync(
            context, [6], scaleFactor: 0.001, observer: observer, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("scale factor 0.001 given, 1 queries", observer.Events);
        Assert.Equal(0, summary.EncryptedTables);
    }

    private sealed class RecordingObserver : ITpchRunObserver
    {
        public List<string> Events { get; } = [];

        public void TableLoaded(TableInfo table) => Events.Add($"table {table.Name}");

        public void QueriesStarting(double scaleFactor, bool isDetected, int queryCount) =>
            Events.Add(FormattableString.Invariant($"scale factor {scaleFactor} {(isDetected ? "detected" : "given")}, {queryCount} queries"));

        public void QueryFinished(TpchQueryResult result) => Events.Add($"query {result.Query}");
    }
}
