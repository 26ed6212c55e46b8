using System.Globalization;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Learning;
using Ppml.Learning.Mnist;
using Ppml.Learning.Onnx;
using Ppml.Learning.Plotting;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;

namespace Ppml.Workloads.Learning;

/// <summary>
/// The attested learning workloads (<c>ppml train lenet</c>, <c>evaluate</c>, <c>predict</c> as library calls): data and
/// models read through a <see cref="PpmlSession"/> (decrypted in memory, plaintext only where the session allows it),
/// models written only as containers under the session's keys.
/// </summary>
public static class LeNetWorkload
{
    /// <summary>
    /// Trains LeNet-5 on MNIST, measures top-1 accuracy on the test split after each epoch, writes an encrypted checkpoint
    /// after each epoch (so an interrupted run can resume with <see cref="LeNetTrainingRequest.Resume"/>), and writes the model encrypted.
    /// </summary>
    /// <param name="session">The session whose keys read the data and encrypt the model and checkpoints (under its default key).</param>
    /// <param name="request">The data, the hyper-parameters and the outputs.</param>
    /// <param name="started">Called once the data (and the checkpoint, when resuming) is loaded, before the first batch; may be null.</param>
    /// <param name="progress">Receives one report per batch; may be null.</param>
    /// <param name="epochCompleted">Called after each epoch once its checkpoint is written; may be null.</param>
    /// <param name="cancellationToken">Cancels the work; no partial model or checkpoint is left behind, the last complete checkpoint stays.</param>
    /// <returns>The epochs (those of a resumed checkpoint included) and what was written.</returns>
    /// <exception cref="WorkloadException">
    /// The model exists without <see cref="LeNetTrainingRequest.Overwrite"/>; resuming without a checkpoint, or from a file that
    /// is not a container; or an input is missing or breaks a protection rule.
    /// </exception>
    /// <exception cref="LearningFormatException">The checkpoint is corrupt, or was written by a run with another configuration.</exception>
    public static async Task<LeNetTrainingReport> TrainAsync(
        PpmlSession session,
        LeNetTrainingRequest request,
        Action<LeNetTrainingStart>? started = null,
        IProgress<TrainingProgress>? progress = null,
        Action<EpochResult>? epochCompleted = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        if (File.Exists(request.ModelPath) && !request.Overwrite)
        {
            throw new WorkloadException($"Model '{request.ModelPath}' already exists; replace it only when asked to.");
        }

        string checkpointPath = request.EffectiveCheckpointPath;
        if (request.Resume && !File.Exists(checkpointPath))
        {
            throw new WorkloadException($"There is no checkpoint '{checkpointPath}' to resume from.", isInvalidInput: true);
        }

        TrainingCheckpoint? checkpoint = request.Resume ? await LoadCheckpointAsync(session, checkpointPath, cancellationToken).ConfigureAwait(false) : null;
        MnistData train = await ProtectedLearningFiles.LoadMnistSplitAsync(session, request.DataDirectory, MnistSplit.Train, cancellationToken).ConfigureAwait(false);
        MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, request.DataDirectory, MnistSplit.Test, cancellationToken).ConfigureAwait(false);
        if (request.Limit is { } limit)
        {
            train = train.Take(Math.Min(limit, train.Count));
        }

        // Refuse a checkpoint of another run before announcing anything: one line, naming the file and the setting.
        checkpoint?.RequireResumable(request.Training, train, test, checkpointPath);
        string keyName = session.DefaultKeyName;
        int resumed = checkpoint?.CompletedEpochs ?? 0;
        started?.Invoke(new LeNetTrainingStart(train.Count, test.Count, request.Training, resumed));
        TrainingResult result = await LeNetTrainer.TrainAsync(
            train,
            test,
            request.Training,
            checkpoint,
            async (next, token) =>
            {
                await session.WriteOutputAsync(checkpointPath, keyName, overwrite: true, next.SaveAsync, token).ConfigureAwait(false);
                epochCompleted?.Invoke(next.Epochs[^1]);
            },
            progress,
            cancellationToken).ConfigureAwait(false);
        await session.WriteOutputAsync(
            request.ModelPath, keyName, request.Overwrite, (stream, token) => ModelSerializer.SaveAsync(result.Model, stream, token), cancellationToken).ConfigureAwait(false);
        if (request.PlotPath is not null)
        {
            await AtomicFile.WriteAllBytesAsync(
                request.PlotPath, TrainingPlot.RenderPng(result.Epochs, result.StepLosses), overwrite: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return new LeNetTrainingReport(result.Epochs, request.ModelPath, keyName, request.PlotPath, checkpointPath, resumed);
    }

    /// <summary>The top-1 accuracy of an encrypted LeNet-5 model on the MNIST test split.</summary>
    /// <param name="session">The session whose keys read the model and the data.</param>
    /// <param name="modelPath">The model container.</param>
    /// <param name="dataDirectory">The MNIST directory (the t10k files are used).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The accuracy.</returns>
    /// <exception cref="WorkloadException">The model is missing or not a container, or the data is missing or breaks a protection rule.</exception>
    public static async Task<Accuracy> EvaluateAsync(PpmlSession session, string modelPath, string dataDirectory, int batchSize = 128, CancellationToken cancellationToken = default)
    {
        Sequential model = await ProtectedLearningFiles.LoadModelAsync(session, modelPath, cancellationToken).ConfigureAwait(false);
        MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, dataDirectory, MnistSplit.Test, cancellationToken).ConfigureAwait(false);
        return await LeNetTrainer.EvaluateAsync(model, test, batchSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Classifies one 28x28 grey image (PGM, one-image IDX3 or 784 raw bytes; plain or a container) with a LeNet-5 model
    /// from <see cref="TrainAsync"/>, or with an ONNX model (<c>FILE.onnx</c> or <c>FILE.onnx.ppml</c>, pixels scaled to 0..1).
    /// </summary>
    /// <param name="session">The session whose keys read the model and the image.</param>
    /// <param name="modelPath">The model.</param>
    /// <param name="imagePath">The image.</param>
    /// <param name="onnxShape">The ONNX input shape (<see cref="ParseShape"/>); <see langword="null"/> for 1,784. Ignored for LeNet models.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="WorkloadException">The model is missing or not a container, or an input breaks a protection rule.</exception>
    /// <exception cref="LearningFormatException">The image or the model is malformed.</exception>
    public static async Task<ImagePrediction> PredictAsync(
        PpmlSession session, string modelPath, string imagePath, IReadOnlyList<int>? onnxShape = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(modelPath);
        byte[] pixels;
        Stream imageStream = await session.OpenInputAsync(imagePath, cancellationToken).ConfigureAwait(false);
        await using (imageStream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await imageStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            pixels = MnistImage.Decode(buffer.ToArray(), imagePath);
        }

        string name = modelPath.EndsWith(PpmlFileNames.ContainerExtension, StringComparison.Ordinal) ? modelPath[..^PpmlFileNames.ContainerExtension.Length] : modelPath;
        if (!name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            Sequential network = await ProtectedLearningFiles.LoadModelAsync(session, modelPath, cancellationToken).ConfigureAwait(false);
            DigitPrediction prediction = LeNetTrainer.Predict(network, pixels);
            return new ImagePrediction(prediction.Label, prediction.Confidence, OnnxOutputName: null, Scores: []);
        }

        OnnxModel onnx;
        Stream modelStream = await session.OpenInputAsync(modelPath, cancellationToken).ConfigureAwait(false);
        await using (modelStream.ConfigureAwait(false))
        {
            onnx = await OnnxModel.LoadAsync(modelStream, modelPath, cancellationToken).ConfigureAwait(false);
        }

        using (onnx)
        {
            float[] input = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                input[i] = pixels[i] / 255f;
            }

            OnnxTensor output = onnx.Run(new OnnxTensor(onnx.InputNames[0], input, [.. onnxShape ?? [1, MnistImage.PixelCount]]));
            float[] scores = output.Data.ToArray();
            int best = 0;
            for (int i = 1; i < scores.Length; i++)
            {
                best = scores[i] > scores[best] ? i : best;
            }

            return new ImagePrediction(best, Confidence: null, output.Name, scores);
        }
    }

    private static async Task<TrainingCheckpoint> LoadCheckpointAsync(PpmlSession session, string path, CancellationToken cancellationToken)
    {
        if (!Inputs.ProtectedInputs.IsContainer(path))
        {
            throw new WorkloadException($"Checkpoint '{path}' is not a PPML container; checkpoints are only ever stored encrypted.", isInvalidInput: true);
        }

        Stream stream = await session.OpenInputAsync(path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await TrainingCheckpoint.LoadAsync(stream, path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Parses an ONNX input shape for one 28x28 image, e.g. <c>1,784</c> or <c>1,1,28,28</c>.</summary>
    /// <param name="shape">Positive integers separated by commas.</param>
    /// <returns>The dimensions.</returns>
    /// <exception cref="FormatException">The shape is not positive integers, or does not hold 784 values; the message begins with the quoted shape.</exception>
    public static IReadOnlyList<int> ParseShape(string shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        string[] parts = shape.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[] dimensions = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dimensions[i]) || dimensions[i] <= 0)
            {
                throw new FormatException($"'{shape}' must be positive integers separated by commas, e.g. 1,784 or 1,1,28,28.");
            }
        }

        long values = dimensions.Aggregate(1L, (product, dimension) => product * dimension);
        return values == MnistImage.PixelCount
            ? dimensions
            : throw new FormatException($"'{shape}' holds {values} values; one 28x28 image has {MnistImage.PixelCount}.");
    }
}
