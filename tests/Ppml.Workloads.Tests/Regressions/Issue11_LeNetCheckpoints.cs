using Ppml.Crypto.Container;
using Ppml.Kms.File;
using Ppml.Learning;
using Ppml.Learning.Training;
using Ppml.Testing;
using Ppml.Workloads.Learning;

namespace Ppml.Workloads.Tests.Regressions;

/// <summary>Issue 11 item 8 through the session: the per-epoch checkpoint is a container under the output key, and --resume continues from it.</summary>
public sealed class Issue11_LeNetCheckpoints
{
    private static readonly TrainingOptions s_options = new() { Epochs = 2, BatchSize = 100, Seed = 11 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TrainAsync_InterruptedAfterEpoch1_CheckpointIsAContainerAndResumeMatchesAnUninterruptedRun()
    {
        using var temp = new TempDirectory();
        await using PpmlSession session = await OpenSessionAsync(temp);
        string data = SharedData.PathOf("data", "mnist");
        LeNetTrainingReport uninterrupted = await LeNetWorkload.TrainAsync(
            session, Request(data, temp.Combine("whole.ppml")), cancellationToken: Token);

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LeNetWorkload.TrainAsync(
            session, Request(data, temp.Combine("model.ppml")), epochCompleted: epoch => { seen.Add(epoch.Epoch); interrupt.Cancel(); }, cancellationToken: interrupt.Token));

        string checkpoint = temp.Combine("model.checkpoint.ppml");
        Assert.Equal([1], seen);
        Assert.False(File.Exists(temp.Combine("model.ppml")));
        byte[] bytes = File.ReadAllBytes(checkpoint);
        Assert.True(PpmlContainer.LooksLikeContainer(bytes));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("PPMLCKPT"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("PPMLMODL"u8));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp*"));

        var resumedEpochs = new List<int>();
        LeNetTrainingReport resumed = await LeNetWorkload.TrainAsync(
            session, Request(data, temp.Combine("model.ppml"), resume: true), epochCompleted: epoch => resumedEpochs.Add(epoch.Epoch), cancellationToken: Token);

        Assert.Equal([2], resumedEpochs);
        Assert.Equal(1, resumed.ResumedEpochs);
        Assert.Equal(uninterrupted.Epochs.Select(e => (e.AverageLoss, e.Top1)), resumed.Epochs.Select(e => (e.AverageLoss, e.Top1)));
        Sequential whole = await ProtectedLearningFiles.LoadModelAsync(session, temp.Combine("whole.ppml"), Token);
        Sequential continued = await ProtectedLearningFiles.LoadModelAsync(session, temp.Combine("model.ppml"), Token);
        Assert.Equal(whole.Parameters.ToArray(), continued.Parameters.ToArray());
    }

    [Fact]
    public async Task TrainAsync_ResumeWithoutCheckpointOrFromPlainFile_RefusedAsInvalidInput()
    {
        using var temp = new TempDirectory();
        await using PpmlSession session = await OpenSessionAsync(temp);
        string data = SharedData.PathOf("data", "mnist");

        WorkloadException missing = await Assert.ThrowsAsync<WorkloadException>(() =>
            LeNetWorkload.TrainAsync(session, Request(data, temp.Combine("m.ppml"), resume: true), cancellationToken: Token));
        File.WriteAllText(temp.Combine("m.checkpoint.ppml"), "PPMLCKPT planted in plaintext");
        WorkloadException plain = await Assert.ThrowsAsync<WorkloadException>(() =>
            LeNetWorkload.TrainAsync(session, Request(data, temp.Combine("m.ppml"), resume: true), cancellationToken: Token));

        Assert.True(missing.IsInvalidInput);
        Assert.Contains("no checkpoint", missing.Message, StringComparison.Ordinal);
        Assert.True(plain.IsInvalidInput);
        Assert.Contains("is not a PPML container", plain.Message, StringComparison.Ordinal);
    }

    private static LeNetTrainingRequest Request(string data, string model, bool resume = false) => new()
    {
        DataDirectory = data,
        ModelPath = model,
        Training = s_options,
        Limit = 1000,
        Resume = resume,
        Overwrite = resume,
    };

    private static async Task<PpmlSession> OpenSessionAsync(TempDirectory temp)
    {
        using (FileKeyManagementService kms = await FileKeyManagementService.CreateAsync(temp.Combine("kms"), "store password", TimeProvider.System, Token))
        {
            await kms.CreateKeyAsync("primary", Token);
        }

        return await PpmlSession.OpenAsync(new PpmlSessionOptions { KmsUri = "file:" + temp.Combine("kms"), KmsPassword = "store password" }, Token);
    }
}
