using Ppml.Learning.Mnist;
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

    // Explicit: about 20 s in Release (minutes in Debug). Run with
    // `dotnet test --project tests/Ppml.Learning.Tests -c Release -- --filter-trait "Category=Slow" --explicit only`.
    [Fact(Explicit = true)]
    [Trait("Category", "Slow")]
    public async Task TrainAsync_Full2Epochs_ReachesPoint97()
    {
        (MnistData train, MnistData test) = await MnistAsync();
        TrainingResult result = await LeNetTrainer.TrainAsync(train, test, new TrainingOptions(), null, TestContext.Current.CancellationToken);

        foreach (EpochResult epoch in result.Epochs)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"epoch {epoch.Epoch}: {epoch.Top1Line} loss {epoch.AverageLoss:F4} train {epoch.TrainingTime.TotalSeconds:F2}s eval {epoch.EvaluationTime.TotalSeconds:F2}s");
        }

        Assert.Equal(2, result.Epochs.Count);
        Assert.True(result.Epochs[1].Top1.Value >= 0.97, result.Epochs[1].Top1Line);
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
