using Ppml.Crypto.Container;
using Ppml.Data.Tpch;
using Ppml.Testing;
using Ppml.Workloads.Data;

namespace Ppml.Workloads.Tests.Data;

public sealed class TpchWorkloadTests : IClassFixture<FileSession>
{
    private readonly FileSession _kms;

    public TpchWorkloadTests(FileSession kms)
    {
        _kms = kms;
    }

    private static TpchGenerationOptions Tiny => new() { ScaleFactor = 0.001, Parts = 2, MaxDegreeOfParallelism = 2 };

    [Fact]
    public async Task GenerateThenRun_EncryptedDataAndAnswers_CommitsContainersAndDescribesThem()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        TpchGenerationOutcome generated = await TpchWorkload.GenerateAsync(Tiny, temp.Combine("data"), new TpchEncryption(session.Keys, "primary"), cancellationToken: cancellationToken);
        TpchRunResult run = await TpchWorkload.RunAsync(
            session,
            new TpchRunOptions { Data = temp.Combine("data"), Queries = [6, 1], Output = temp.Combine("out"), EncryptOutput = true, RequireEncrypted = true },
            cancellationToken: cancellationToken);

        Assert.StartsWith("Generated TPC-H SF 0.001: 8 tables, ", generated.Describe(), StringComparison.Ordinal);
        Assert.Contains("encrypted with key 'primary'", generated.Describe(), StringComparison.Ordinal);
        Assert.Equal(8, run.Summary.EncryptedTables);
        Assert.Equal([6, 1], run.Summary.Results.Select(r => r.Query));
        Assert.Equal("primary", run.KeyName);
        Assert.EndsWith($"; results encrypted with key 'primary' in {temp.Combine("out")}", run.Describe(), StringComparison.Ordinal);
        Assert.Equal(["q01.csv.ppml", "q06.csv.ppml"], Directory.GetFiles(temp.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(PpmlContainer.LooksLikeContainer(await File.ReadAllBytesAsync(temp.Combine("out", "q01.csv.ppml"), cancellationToken)));
    }

    [Fact]
    public async Task RunAsync_NonEmptyOutputWithoutOverwrite_RefusedBeforeLoading()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("out"));
        await File.WriteAllTextAsync(temp.Combine("out", "old.txt"), "previous", cancellationToken);
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        // The dataset does not even exist: the output is checked first, so nothing is loaded for an answer that cannot be kept.
        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => TpchWorkload.RunAsync(
            session, new TpchRunOptions { Data = temp.Combine("missing"), Output = temp.Combine("out") }, cancellationToken: cancellationToken));

        Assert.False(error.IsInvalidInput);
        Assert.Contains($"'{temp.Combine("out")}' already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("previous", await File.ReadAllTextAsync(temp.Combine("out", "old.txt"), cancellationToken));
    }

    [Fact]
    public async Task RunAsync_EncryptedAnswersWithoutOutput_IsInvalidInput()
    {
        await using PpmlSession session = await _kms.OpenAsync(TestContext.Current.CancellationToken);

        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => TpchWorkload.RunAsync(
            session, new TpchRunOptions { Data = "unused", EncryptOutput = true }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.True(error.IsInvalidInput);
    }

    [Fact]
    public async Task RunExampleAsync_KeptDirectory_GeneratesEncryptedAndAnswersEveryQuery()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await using PpmlSession session = await _kms.OpenAsync(cancellationToken);

        TpchExampleResult result = await TpchWorkload.RunExampleAsync(session, Tiny, [1, 6, 22], temp.Path, cancellationToken: cancellationToken);

        Assert.Equal("primary", result.Generation.KeyName);
        Assert.Equal(8, result.Run.EncryptedTables);
        Assert.Equal([1, 6, 22], result.Run.Results.Select(r => r.Query));
        Assert.True(File.Exists(temp.Combine("tpch.enc", "lineitem", "lineitem.tbl.2.ppml")));
    }
}
