using Ppml.Learning.Mnist;
using Ppml.Learning.Training;
using Ppml.Learning.Tests.Training;

namespace Ppml.Learning.Tests.Regressions;

/// <summary>Issue 11 item 8: an interrupted training run lost everything; now every epoch leaves a checkpoint to resume from.</summary>
public sealed class Issue11_TrainingCheckpoints
{
    private static readonly TrainingOptions s_options = new() { Epochs = 2, BatchSize = 100, Seed = 7 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TrainAsync_CancelledAfterEpoch1ThenResumed_SameWeightsLossesAndAccuracyAsUninterrupted()
    {
        (MnistData train, MnistData test) = await SmallMnistAsync();
        TrainingResult uninterrupted = await LeNetTrainer.TrainAsync(train, test, s_options, null, Token);

        // Interrupt: the checkpoint of epoch 1 is saved, then the run is cancelled before epoch 2 finishes.
        byte[]? saved = null;
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LeNetTrainer.TrainAsync(
            train,
            test,
            s_options,
            resumeFrom: null,
            epochCompleted: async (checkpoint, token) =>
            {
                using var stream = new MemoryStream();
                await checkpoint.SaveAsync(stream, token);
                saved = stream.ToArray();
                await interrupt.CancelAsync();
            },
            progress: null,
            interrupt.Token));
        Assert.NotNull(saved);

        TrainingCheckpoint loaded = await TrainingCheckpoint.LoadAsync(new MemoryStream(saved), "run.checkpoint", Token);
        TrainingResult resumed = await LeNetTrainer.TrainAsync(train, test, s_options, loaded, epochCompleted: null, progress: null, Token);

        Assert.Equal(1, loaded.CompletedEpochs);
        Assert.Equal(uninterrupted.Model.Parameters.ToArray(), resumed.Model.Parameters.ToArray());
        Assert.Equal(uninterrupted.StepLosses, resumed.StepLosses);
        Assert.Equal(40, resumed.StepLosses.Count);
        Assert.Equal(uninterrupted.Epochs.Select(e => (e.Epoch, e.AverageLoss, e.Top1)), resumed.Epochs.Select(e => (e.Epoch, e.AverageLoss, e.Top1)));
    }

    [Fact]
    public async Task TrainAsync_CheckpointOfAnotherConfiguration_RefusedInOneLineNamingTheSetting()
    {
        (MnistData train, MnistData test) = await SmallMnistAsync();
        TrainingCheckpoint checkpoint = await FirstEpochCheckpointAsync(train, test);

        LearningFormatException otherBatch = await Assert.ThrowsAsync<LearningFormatException>(() => LeNetTrainer.TrainAsync(
            train, test, new TrainingOptions { Epochs = 2, BatchSize = 50, Seed = 7 }, checkpoint, null, null, Token));
        LearningFormatException otherData = await Assert.ThrowsAsync<LearningFormatException>(() => LeNetTrainer.TrainAsync(
            train.Take(1000), test, s_options, checkpoint, null, null, Token));
        TrainingCheckpoint twoEpochs = await ReloadAsync(await TwoEpochCheckpointAsync(train, test));
        LearningFormatException fewerEpochs = await Assert.ThrowsAsync<LearningFormatException>(() => LeNetTrainer.TrainAsync(
            train, test, new TrainingOptions { Epochs = 1, BatchSize = 100, Seed = 7 }, twoEpochs, null, null, Token));

        Assert.StartsWith("checkpoint: was written by a run with another configuration (batch size: 100, this run 50)", otherBatch.Message, StringComparison.Ordinal);
        Assert.Contains("training images: 2000", otherData.Message, StringComparison.Ordinal);
        Assert.Contains("already has 2 epochs, more than the 1 asked for", fewerEpochs.Message, StringComparison.Ordinal);
        Assert.All(new[] { otherBatch, otherData, fewerEpochs }, e => Assert.DoesNotContain('\n', e.Message));
    }

    [Fact]
    public async Task LoadAsync_FlippedByteOrTruncated_RefusedNamingTheInput()
    {
        (MnistData train, MnistData test) = await SmallMnistAsync();
        using var stream = new MemoryStream();
        await (await FirstEpochCheckpointAsync(train, test)).SaveAsync(stream, Token);
        byte[] bytes = stream.ToArray();
        byte[] flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 3] ^= 0x10;

        LearningFormatException corrupt = await Assert.ThrowsAsync<LearningFormatException>(() => TrainingCheckpoint.LoadAsync(new MemoryStream(flipped), "c.ckpt", Token));
        LearningFormatException truncated = await Assert.ThrowsAsync<LearningFormatException>(() => TrainingCheckpoint.LoadAsync(new MemoryStream(bytes[..^100]), "c.ckpt", Token));
        LearningFormatException model = await Assert.ThrowsAsync<LearningFormatException>(() => TrainingCheckpoint.LoadAsync(new MemoryStream("PPMLMODL and more bytes than a header needs to be read"u8.ToArray()), "c.ckpt", Token));

        Assert.StartsWith("c.ckpt: SHA-256 checksum", corrupt.Message, StringComparison.Ordinal);
        Assert.StartsWith("c.ckpt: SHA-256 checksum", truncated.Message, StringComparison.Ordinal);
        Assert.StartsWith("c.ckpt: does not start with 'PPMLCKPT'", model.Message, StringComparison.Ordinal);
    }

    private static async Task<(MnistData Train, MnistData Test)> SmallMnistAsync()
    {
        (MnistData train, MnistData test) = await LeNetTrainerTests.MnistAsync();
        return (train.Take(2000), test.Take(300));
    }

    private static async Task<TrainingCheckpoint> FirstEpochCheckpointAsync(MnistData train, MnistData test)
    {
        TrainingCheckpoint? first = null;
        await LeNetTrainer.TrainAsync(
            train, test, new TrainingOptions { Epochs = 1, BatchSize = 100, Seed = 7 }, null, (checkpoint, _) => { first = checkpoint; return Task.CompletedTask; }, null, Token);
        return first!;
    }

    private static async Task<TrainingCheckpoint> TwoEpochCheckpointAsync(MnistData train, MnistData test)
    {
        TrainingCheckpoint? last = null;
        await LeNetTrainer.TrainAsync(train, test, s_options, null, (checkpoint, _) => { last = checkpoint; return Task.CompletedTask; }, null, Token);
        return last!;
    }

    private static async Task<TrainingCheckpoint> ReloadAsync(TrainingCheckpoint checkpoint)
    {
        using var stream = new MemoryStream();
        await checkpoint.SaveAsync(stream, Token);
        stream.Position = 0;
        return await TrainingCheckpoint.LoadAsync(stream, "checkpoint", Token);
    }
}
