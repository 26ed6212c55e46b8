using System.Diagnostics;
using System.Numerics.Tensors;
using Ppml.Learning.Losses;
using Ppml.Learning.Mnist;
using Ppml.Learning.Optimizers;

namespace Ppml.Learning.Training;

/// <summary>
/// Trains, evaluates and applies LeNet-5 on MNIST: the library side of <c>ppml train lenet</c>,
/// <c>ppml evaluate</c> and <c>ppml predict</c>.
/// </summary>
public static class LeNetTrainer
{
    /// <summary>
    /// Trains a fresh LeNet-5 (BigDL's architecture, ClassNLL loss, SGD) and evaluates top-1 accuracy on
    /// <paramref name="test"/> after every epoch. Deterministic for a given <see cref="TrainingOptions.Seed"/>
    /// on a given machine, whatever the number of cores.
    /// </summary>
    /// <param name="train">Training images (28×28).</param>
    /// <param name="test">Test images (28×28) for the per-epoch accuracy.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="progress">Receives one report per batch (for a progress bar); may be null.</param>
    /// <param name="cancellationToken">Checked once per batch.</param>
    /// <returns>The model and one <see cref="EpochResult"/> per epoch.</returns>
    /// <exception cref="LearningFormatException">The images are not 28×28.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no partial model is returned.</exception>
    public static Task<TrainingResult> TrainAsync(
        MnistData train, MnistData test, TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainAsync(train, test, options, resumeFrom: null, epochCompleted: null, progress, cancellationToken);

    /// <summary>
    /// Trains LeNet-5 like <see cref="TrainAsync(MnistData, MnistData, TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>,
    /// hands <paramref name="epochCompleted"/> a <see cref="TrainingCheckpoint"/> after every epoch (save it to survive an
    /// interruption), and continues from <paramref name="resumeFrom"/> when one is given. A resumed run reaches the same
    /// parameters, losses and accuracies as one that was never interrupted.
    /// </summary>
    /// <param name="train">Training images (28×28).</param>
    /// <param name="test">Test images (28×28) for the per-epoch accuracy.</param>
    /// <param name="options">Hyper-parameters; all but <see cref="TrainingOptions.Epochs"/> must match <paramref name="resumeFrom"/>'s.</param>
    /// <param name="resumeFrom">The checkpoint to continue from; <see langword="null"/> to start afresh.</param>
    /// <param name="epochCompleted">Awaited after every epoch, before the next starts; may be null.</param>
    /// <param name="progress">Receives one report per batch (for a progress bar); may be null.</param>
    /// <param name="cancellationToken">Checked once per batch.</param>
    /// <returns>The model and one <see cref="EpochResult"/> per epoch, those of the checkpoint included.</returns>
    /// <exception cref="LearningFormatException">
    /// The images are not 28×28, or <paramref name="resumeFrom"/> was written for another configuration or has more epochs than asked for.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled; no partial model is returned.</exception>
    public static Task<TrainingResult> TrainAsync(
        MnistData train,
        MnistData test,
        TrainingOptions options,
        TrainingCheckpoint? resumeFrom,
        Func<TrainingCheckpoint, CancellationToken, Task>? epochCompleted,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RequireLeNetImages(train, "training data");
        RequireLeNetImages(test, "test data");
        return TrainCoreAsync(train, test, options, resumeFrom, epochCompleted, progress, cancellationToken);
    }

    /// <summary>Top-1 accuracy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    /// <param name="model">A classifier whose input is one image and whose output has 10 classes.</param>
    /// <param name="data">The labelled images.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="cancellationToken">Checked once per batch.</param>
    /// <returns>The accuracy.</returns>
    /// <exception cref="LearningFormatException">The model does not take images of this size or does not output 10 classes.</exception>
    public static Task<Accuracy> EvaluateAsync(Sequential model, MnistData data, int batchSize = 128, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        RequireCompatible(model, data.ImageSize, "data");
        return Task.Run(() => Evaluate(model, data, batchSize, cancellationToken), cancellationToken);
    }

    /// <summary>Classifies one image.</summary>
    /// <param name="model">A classifier whose input is one image and whose output has 10 classes (log-probabilities).</param>
    /// <param name="pixels">The image, row-major grey bytes (see <see cref="MnistImage.Decode"/>).</param>
    /// <returns>The predicted digit and the class probabilities.</returns>
    /// <exception cref="LearningFormatException">The image size does not match the model.</exception>
    public static DigitPrediction Predict(Sequential model, ReadOnlySpan<byte> pixels)
    {
        ArgumentNullException.ThrowIfNull(model);
        RequireCompatible(model, pixels.Length, "image");
        float[] input = new float[pixels.Length];
        TensorPrimitives.ConvertChecked(pixels, input.AsSpan());
        float[] output = model.Predict(input);
        float[] probabilities = new float[output.Length];
        TensorPrimitives.SoftMax(output, probabilities);
        return new DigitPrediction(TensorPrimitives.IndexOfMax(probabilities), probabilities);
    }

    private static async Task<TrainingResult> TrainCoreAsync(
        MnistData train,
        MnistData test,
        TrainingOptions options,
        TrainingCheckpoint? resumeFrom,
        Func<TrainingCheckpoint, CancellationToken, Task>? epochCompleted,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        // The configuration digests the data (tens of milliseconds for all of MNIST): only when checkpoints are in play.
        string? configuration = resumeFrom is null && epochCompleted is null
            ? null
            : await Task.Run(() => TrainingCheckpoint.DescribeConfiguration(options, train, test), cancellationToken).ConfigureAwait(false);
        var optimizer = new Sgd(
            options.LearningRate,
            options.Momentum,
            options.WeightDecay,
            schedule: options.LearningRateDecay > 0f ? LearningRateSchedule.InverseDecay(options.LearningRateDecay) : null);
        Sequential model;
        SeededRandom shuffle;
        var epochs = new List<EpochResult>(options.Epochs);
        var stepLosses = new List<float>();
        if (resumeFrom is null)
        {
            model = LeNet5.Create(options.Seed);
            shuffle = new SeededRandom(unchecked((ulong)options.Seed) ^ 0x5A5A_F00DUL);
        }
        else
        {
            resumeFrom.RequireResumableAs(configuration!, options.Epochs, "checkpoint");
            model = resumeFrom.Model.Clone();
            shuffle = SeededRandom.FromState(resumeFrom.ShuffleState);
            optimizer.Restore(resumeFrom.OptimizerIteration, resumeFrom.OptimizerState);
            epochs.AddRange(resumeFrom.Epochs);
            stepLosses.AddRange(resumeFrom.StepLosses);
        }

        var loss = new ClassNllLoss();
        for (int epoch = epochs.Count + 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            optimizer.Epoch = epoch - 1;
            int current = epoch;
            long start = Stopwatch.GetTimestamp();
            double averageLoss = await Task.Run(
                () => RunEpoch(model, loss, optimizer, train, options.BatchSize, shuffle, current, options.Epochs, stepLosses, progress, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            TimeSpan trainingTime = Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            Accuracy accuracy = await Task.Run(() => Evaluate(model, test, options.BatchSize, cancellationToken), cancellationToken).ConfigureAwait(false);
            epochs.Add(new EpochResult(epoch, averageLoss, accuracy, trainingTime, Stopwatch.GetElapsedTime(start), train.Count));
            if (epochCompleted is not null)
            {
                var checkpoint = new TrainingCheckpoint(
                    configuration!, model.Clone(), optimizer.Iteration, optimizer.ExportState(), shuffle.State, epochs.ToArray(), stepLosses.ToArray());
                await epochCompleted(checkpoint, cancellationToken).ConfigureAwait(false);
            }
        }

        return new TrainingResult(model, epochs) { StepLosses = stepLosses };
    }

    /// <summary>One shuffled pass over <paramref name="data"/>; returns the mean batch loss.</summary>
    internal static double RunEpoch(
        Sequential model, Loss loss, Optimizer optimizer, MnistData data, int batchSize, SeededRandom shuffle,
        int epoch, int epochs, List<float>? stepLosses, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int[] order = new int[data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        shuffle.Shuffle(order);
        model.EnsureCapacity(batchSize);
        float[] targets = new float[batchSize];
        int batches = (data.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int batchIndex = 0; batchIndex < batches; batchIndex++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int first = batchIndex * batchSize;
            int batch = Math.Min(batchSize, data.Count - first);
            FillBatch(model.InputBuffer, targets, data, order.AsSpan(first, batch));
            float[] output = model.Forward(batch, training: true);
            double batchLoss = loss.Forward(output, targets, batch, model.OutputSize);
            loss.Backward(output, targets, model.OutputGradientBuffer, batch, model.OutputSize);
            model.ZeroGradients();
            model.Backward(batch);
            optimizer.Step(model.ParameterBuffer, model.GradientBuffer);
            lossSum += batchLoss;
            stepLosses?.Add((float)batchLoss);
            progress?.Report(new TrainingProgress(epoch, epochs, batchIndex + 1, batches, batchLoss));
        }

        return lossSum / batches;
    }

    internal static Accuracy Evaluate(Sequential model, MnistData data, int batchSize, CancellationToken cancellationToken)
    {
        model.EnsureCapacity(batchSize);
        int[] indices = new int[batchSize];
        float[] targets = new float[batchSize];
        int correct = 0;
        int classes = model.OutputSize;
        for (int first = 0; first < data.Count; first += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(batchSize, data.Count - first);
            for (int i = 0; i < batch; i++)
            {
                indices[i] = first + i;
            }

            FillBatch(model.InputBuffer, targets, data, indices.AsSpan(0, batch));
            float[] output = model.Forward(batch, training: false);
            for (int i = 0; i < batch; i++)
            {
                if (TensorPrimitives.IndexOfMax(output.AsSpan(i * classes, classes)) == (int)targets[i])
                {
                    correct++;
                }
            }
        }

        return new Accuracy(correct, data.Count);
    }

    private static void FillBatch(float[] input, float[] targets, MnistData data, ReadOnlySpan<int> indices)
    {
        int size = data.ImageSize;
        byte[] images = data.ImageArray;
        byte[] labels = data.LabelArray;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            TensorPrimitives.ConvertChecked(images.AsSpan(index * size, size), input.AsSpan(i * size, size));
            targets[i] = labels[index];
        }
    }

    private static void RequireLeNetImages(MnistData data, string name)
    {
        if (data.Rows != LeNet5.ImageSide || data.Columns != LeNet5.ImageSide)
        {
            throw LearningFormatException.For(name, $"images are {data.Rows}x{data.Columns}, LeNet-5 needs {LeNet5.ImageSide}x{LeNet5.ImageSide}");
        }
    }

    private static void RequireCompatible(Sequential model, int imageSize, string name)
    {
        if (model.InputSize != imageSize)
        {
            throw LearningFormatException.For(name, $"has {imageSize} pixels per image but the model takes {model.InputSize} values");
        }

        if (model.OutputSize != MnistData.ClassCount)
        {
            throw LearningFormatException.For("model", $"outputs {model.OutputSize} values, expected {MnistData.ClassCount} class scores");
        }
    }
}
