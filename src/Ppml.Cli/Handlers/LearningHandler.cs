using System.Globalization;
using Ppml.Cli.Output;
using Ppml.Core.IO;
using Ppml.Learning;
using Ppml.Learning.Mnist;
using Ppml.Learning.Onnx;
using Ppml.Learning.Plotting;
using Ppml.Learning.Serialization;
using Ppml.Learning.Training;
using Ppml.Workloads;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>
/// <c>ppml train lenet</c>, <c>ppml evaluate</c>, <c>ppml predict</c> and <c>ppml datasets fetch mnist</c>: MNIST read
/// plain or from PPML containers (decrypted in memory), models saved only as containers.
/// </summary>
internal sealed class LearningHandler
{
    private readonly CliContext _context;

    public LearningHandler(CliContext context)
    {
        _context = context;
    }

    public sealed record TrainOptions(
        string Data, int Epochs, int BatchSize, float? LearningRate, int Seed, string Output, string? Plot, int? Limit, bool Force, string? KeyName, KmsTarget Kms);

    public async Task<int> TrainAsync(TrainOptions options, CancellationToken cancellationToken)
    {
        string output = _context.ResolvePath(options.Output);
        if (File.Exists(output) && !options.Force)
        {
            throw CliException.Failure($"Model '{output}' already exists; pass --force to replace it.");
        }

        await using PpmlSession session = await options.Kms.OpenSessionAsync(_context, options.KeyName, cancellationToken);
        string directory = _context.ResolvePath(options.Data);
        MnistData train = await ProtectedLearningFiles.LoadMnistSplitAsync(session, directory, MnistSplit.Train, cancellationToken);
        MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, directory, MnistSplit.Test, cancellationToken);
        if (options.Limit is { } limit)
        {
            train = train.Take(Math.Min(limit, train.Count));
        }

        var trainingOptions = new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate ?? new TrainingOptions().LearningRate,
            Seed = options.Seed,
        };
        await _context.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Training LeNet-5 on {train.Count} images, testing on {test.Count}: {trainingOptions.Epochs} epoch(s), batch {trainingOptions.BatchSize}, lr {trainingOptions.LearningRate}, momentum {trainingOptions.Momentum}, seed {trainingOptions.Seed}"));

        using var bar = new EpochProgress(_context, (train.Count + trainingOptions.BatchSize - 1) / trainingOptions.BatchSize);
        TrainingResult result = await LeNetTrainer.TrainAsync(train, test, trainingOptions, new SynchronousProgress(bar), cancellationToken);
        foreach (EpochResult epoch in result.Epochs)
        {
            await _context.Output.WriteLineAsync(epoch.Top1Line);
            await _context.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"  epoch {epoch.Epoch}: loss {epoch.AverageLoss:0.0000}, {epoch.TrainingTime.TotalSeconds:0.0} s training, {epoch.EvaluationTime.TotalSeconds:0.0} s evaluation"));
        }

        string keyName = session.DefaultKeyName;
        await session.WriteOutputAsync(output, keyName, options.Force, (stream, token) => ModelSerializer.SaveAsync(result.Model, stream, token), cancellationToken);
        await _context.Error.WriteLineAsync($"Saved the model encrypted under key '{keyName}' to {output}");
        if (options.Plot is not null)
        {
            string plot = _context.ResolvePath(options.Plot);
            await AtomicFile.WriteAllBytesAsync(plot, TrainingPlot.RenderPng(result.Epochs), overwrite: true, cancellationToken: cancellationToken);
            await _context.Error.WriteLineAsync($"Wrote loss and accuracy per epoch to {plot}");
        }

        return ExitCodes.Success;
    }

    public async Task<int> EvaluateAsync(string modelPath, string data, int batchSize, KmsTarget kms, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await kms.OpenSessionAsync(_context, keyName: null, cancellationToken);
        Sequential model = await ProtectedLearningFiles.LoadModelAsync(session, _context.ResolvePath(modelPath), cancellationToken);
        MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, _context.ResolvePath(data), MnistSplit.Test, cancellationToken);
        Accuracy accuracy = await LeNetTrainer.EvaluateAsync(model, test, batchSize, cancellationToken);
        await _context.Output.WriteLineAsync(accuracy.ToTop1Line());
        return ExitCodes.Success;
    }

    public async Task<int> PredictAsync(string modelPath, string imagePath, string? shape, KmsTarget kms, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await kms.OpenSessionAsync(_context, keyName: null, cancellationToken);
        string model = _context.ResolvePath(modelPath);
        string image = _context.ResolvePath(imagePath);
        byte[] pixels;
        await using (Stream imageStream = await session.OpenInputAsync(image, cancellationToken))
        {
            using var buffer = new MemoryStream();
            await imageStream.CopyToAsync(buffer, cancellationToken);
            pixels = MnistImage.Decode(buffer.ToArray(), image);
        }

        string name = model.EndsWith(".ppml", StringComparison.Ordinal) ? model[..^".ppml".Length] : model;
        if (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            return await PredictOnnxAsync(session, model, pixels, shape, cancellationToken);
        }

        Sequential network = await ProtectedLearningFiles.LoadModelAsync(session, model, cancellationToken);
        DigitPrediction prediction = LeNetTrainer.Predict(network, pixels);
        await _context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Prediction: {prediction.Label} (confidence {prediction.Confidence:0.0000})"));
        return ExitCodes.Success;
    }

    public async Task<int> FetchMnistAsync(string baseUrl, string output, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--from '{baseUrl}' is not an absolute http(s) URL.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var bar = new ProgressBar(_context, "fetch", MnistDownloader.Files.Sum(f => f.Size), threshold: 1);
        using (bar)
        {
            long last = 0;
            string? file = null;
            var progress = new SynchronousProgress<DownloadProgress>(p =>
            {
                if (p.File != file)
                {
                    (file, last) = (p.File, 0);
                }

                bar.Report(Math.Max(0, p.BytesReceived - last));
                last = p.BytesReceived;
            });
            IReadOnlyList<string> paths;
            try
            {
                paths = await MnistDownloader.FetchAsync(uri, _context.ResolvePath(output), http, progress, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                throw CliException.Failure($"Download from '{uri}' failed: {exception.Message}");
            }

            foreach (string path in paths)
            {
                await _context.Output.WriteLineAsync($"verified {path}");
            }
        }

        return ExitCodes.Success;
    }

    private async Task<int> PredictOnnxAsync(PpmlSession session, string model, byte[] pixels, string? shape, CancellationToken cancellationToken)
    {
        int[] dimensions = ParseShape(shape ?? "1,784");
        OnnxModel onnx;
        await using (Stream stream = await session.OpenInputAsync(model, cancellationToken))
        {
            onnx = await OnnxModel.LoadAsync(stream, model, cancellationToken);
        }

        using (onnx)
        {
            float[] input = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                input[i] = pixels[i] / 255f;
            }

            OnnxTensor output = onnx.Run(new OnnxTensor(onnx.InputNames[0], input, dimensions));
            ReadOnlySpan<float> scores = output.Data.Span;
            int best = 0;
            for (int i = 1; i < scores.Length; i++)
            {
                best = scores[i] > scores[best] ? i : best;
            }

            await _context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"Prediction: {best} (ONNX output '{output.Name}': {string.Join(' ', scores.ToArray().Select(s => s.ToString("0.####", CultureInfo.InvariantCulture)))})"));
        }

        return ExitCodes.Success;
    }

    private static int[] ParseShape(string shape)
    {
        string[] parts = shape.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[] dimensions = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dimensions[i]) || dimensions[i] <= 0)
            {
                throw CliException.Usage($"--shape '{shape}' must be positive integers separated by commas, e.g. 1,784 or 1,1,28,28.");
            }
        }

        if (dimensions.Aggregate(1L, (p, d) => p * d) != MnistImage.PixelCount)
        {
            throw CliException.Usage($"--shape '{shape}' holds {dimensions.Aggregate(1L, (p, d) => p * d)} values; one 28x28 image has {MnistImage.PixelCount}.");
        }

        return dimensions;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class SynchronousProgress(EpochProgress bar) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => bar.Report(value);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
