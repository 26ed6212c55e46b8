using BenchmarkDotNet.Attributes;
using Ppml.Learning;
using Ppml.Learning.Losses;
using Ppml.Learning.Mnist;
using Ppml.Learning.Optimizers;
using Ppml.Learning.Training;

namespace Ppml.Benchmarks.Learning;

/// <summary>
/// One LeNet-5 training epoch over the 60,000 MNIST training images (batch 128, SGD momentum 0.9), and one
/// evaluation pass over the 10,000 test images. The goal is at most 15 s per epoch on the 2-core machine.
/// An invocation takes seconds, so run it with few iterations:
/// <c>--filter '*LeNetEpochBenchmarks*' --strategy Monitoring --launchCount 1 --warmupCount 1 --iterationCount 3</c>.
/// </summary>
public class LeNetEpochBenchmarks
{
    private MnistData _train = null!;
    private MnistData _test = null!;
    private Sequential _model = null!;
    private Sgd _optimizer = null!;
    private SeededRandom _shuffle = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_train, _test) = await MnistLocator.LoadAsync();
        _model = LeNet5.Create(42);
        _optimizer = new Sgd(0.05f, 0.9f);
        _shuffle = new SeededRandom(1);
    }

    [Benchmark(Baseline = true)]
    public double TrainEpoch() =>
        LeNetTrainer.RunEpoch(_model, new ClassNllLoss(), _optimizer, _train, 128, _shuffle, 1, 1, null, null, CancellationToken.None);

    [Benchmark]
    public int EvaluateTestSet() => LeNetTrainer.Evaluate(_model, _test, 128, CancellationToken.None).Correct;
}
