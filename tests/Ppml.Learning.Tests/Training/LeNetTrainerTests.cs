using Ppml.Learning.Layers;
using Ppml.Learning.Mnist;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;
using Ppml.Testing;

namespace Ppml.Learning.Tests.Training;

public sealed class LeNetTrainerTests
{
    private static readonly Lazy<Task<(MnistData Train, MnistData Test)>> s_mnist = new(LoadAsync);

    [Fact]
    public async Task TrainAsync_6000Images1Epoch_ExceedsPoint85()
    {
        (MnistData train, MnistData test) = await MnistAsync();
        var reports = new List<TrainingProgress>();
        var progress = new SynchronousProgress<TrainingProgress>(reports.Add);
        TrainingResult result = await LeNetTrainer.TrainAsync(
            train.Take(6000), test, new TrainingOptions { Epochs = 1 }, progress, TestContext.Current.CancellationToken);

        EpochResult epoch = Assert.Single(result.Epochs);
        TestContext.Current.TestOutputHelper?.WriteLine($"{epoch.Top1Line} train {epoch.TrainingTime.TotalSeconds:F2}s eval {epoch.EvaluationTime.TotalSeconds:F2}s");
        Assert.Equal(10000, epoch.Top1.Count);
        Assert.True(epoch.Top1.Value > 0.85, epoch.Top1Line);
        Assert.Equal(47, reports.Count);
        Assert.Equal(new TrainingProgress(1, 1, 47, 47, reports[^1].Loss), reports[^1]);
        Assert.Matches(@"^Top1Accuracy is Accuracy\(correct: \d+, count: 10000, accuracy: 0\.\d+\)$", epoch.Top1Line);
    }

    // About 6 s in Release (minutes in Debug: leave it out with `-- --filter-not-trait "Category=Slow"`).
    [Fact]
    [Trait("Category", "Slow")]
    public async Task TrainAsync_Full2Epochs_ReachesPoint97()
    {
        (MnistData train, MnistData test) = await MnistAsync();
        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        TrainingResult result = await LeNetTrainer.TrainAsync(train, test, new TrainingOptions(), null, TestContext.Current.CancellationToken);
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        TestContext.Current.TestOutputHelper?.WriteLine($"process CPU time for both epochs incl. evaluation: {cpu.TotalSeconds:F2}s");

        foreach (EpochResult epoch in result.Epochs)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"epoch {epoch.Epoch}: {epoch.Top1Line} loss {epoch.AverageLoss:F4} train {epoch.TrainingTime.TotalSeconds:F2}s eval {epoch.EvaluationTime.TotalSeconds:F2}s");
        }

        Assert.Equal(2, result.Epochs.Count);
        Assert.True(result.Epochs[1].Top1.Value >= 0.97, result.Epochs[1].Top1Line);
    }

    [Fact]
    public async Task PredictAndEvaluate_AfterSaveAndLoad_AgreeWithTraining()
    {
        (MnistData train, MnistData test) = await MnistAsync();
        MnistData few = test.Take(300);
        TrainingResult result = await LeNetTrainer.TrainAsync(
            train.Take(2000), few, new TrainingOptions { Epochs = 1, BatchSize = 100 }, null, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        await ModelSerializer.SaveAsync(result.Model, stream, TestContext.Current.CancellationToken);
        stream.Position = 0;
        Sequential loaded = await ModelSerializer.LoadAsync(stream, LeNet5.Architecture, "lenet.model", TestContext.Current.CancellationToken);

        Accuracy accuracy = await LeNetTrainer.EvaluateAsync(loaded, few, 64, TestContext.Current.CancellationToken);

        Assert.Equal(result.Epochs[0].Top1, accuracy);
        int correct = 0;
        for (int i = 0; i < few.Count; i++)
        {
            DigitPrediction prediction = LeNetTrainer.Predict(loaded, few.Images.Span.Slice(i * 784, 784));
            Assert.Equal(1f, prediction.Probabilities.Sum(), 1e-4f);
            Assert.Equal(prediction.Probabilities.Max(), prediction.Confidence);
            correct += prediction.Label == few.Labels.Span[i] ? 1 : 0;
        }

        Assert.Equal(accuracy.Correct, correct);
    }

    [Fact]
    public async Task TrainAsync_CancelledFromProgress_StopsWithinOneBatch()
    {
        (MnistData train, MnistData test) = await MnistAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        int batches = 0;
        var progress = new SynchronousProgress<TrainingProgress>(_ =>
        {
            if (++batches == 3)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => LeNetTrainer.TrainAsync(train.Take(2000), test.Take(100), new TrainingOptions(), progress, cancellation.Token));
        Assert.Equal(3, batches);
    }

    [Fact]
    public async Task TrainAsync_WrongImageSize_IsRefused()
    {
        MnistData small = await MnistData.LoadAsync(
            new MemoryStream(Mnist.IdxBuilder.Images(2, 14, 14)), new MemoryStream(Mnist.IdxBuilder.Labels(1, 2)), cancellationToken: TestContext.Current.CancellationToken);
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => LeNetTrainer.TrainAsync(small, small, new TrainingOptions(), null, TestContext.Current.CancellationToken));
        Assert.Equal("training data: images are 14x14, LeNet-5 needs 28x28", exception.Message);
    }

    [Fact]
    public async Task EvaluateAsync_ModelWithOtherOutputs_IsRefused()
    {
        (_, MnistData test) = await MnistAsync();
        var model = new Sequential([28, 28], [new Reshape(784), new Linear(784, 5)]);
        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => LeNetTrainer.EvaluateAsync(model, test, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("model: outputs 5 values, expected 10 class scores", exception.Message);
    }

    [Fact]
    public void Options_Invalid_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Momentum = 1f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { LearningRate = 0f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { BatchSize = 0 }.Validate());
    }

    internal static Task<(MnistData Train, MnistData Test)> MnistAsync()
    {
        _ = SharedData.PathOf("data", "mnist", "train-images-idx3-ubyte.gz");
        return s_mnist.Value;
    }

    private static async Task<(MnistData Train, MnistData Test)> LoadAsync()
    {
        string directory = SharedData.PathOf("data", "mnist");
        MnistData train = await MnistData.LoadDirectoryAsync(directory, MnistSplit.Train);
        MnistData test = await MnistData.LoadDirectoryAsync(directory, MnistSplit.Test);
        return (train, test);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
