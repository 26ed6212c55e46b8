using System.Globalization;
using Ppml.Learning.Training;
using Ppml.Workloads;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Learning;

/// <summary><c>ppml train lenet</c>, <c>evaluate</c>, <c>predict</c> (<see cref="LeNetWorkload"/> in a workload session) and <c>datasets fetch mnist</c>.</summary>
internal sealed class LearningHandler(CliContext context)
{
    public async Task<int> TrainAsync(KmsTarget kms, string? key, LeNetTrainingRequest request, CancellationToken cancellationToken)
    {
        if (File.Exists(request.ModelPath) && !request.Overwrite)
        {
            throw CliException.Failure($"Model '{request.ModelPath}' already exists; pass --force to replace it.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, key, cancellationToken);
        LeNetTrainingReport report = await LeNetWorkload.TrainAsync(session, request, start => context.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Training LeNet-5 on {start.TrainingImages} images, testing on {start.TestImages}: {start.Training.Epochs} epoch(s), batch {start.Training.BatchSize}, lr {start.Training.LearningRate}, momentum {start.Training.Momentum}, seed {start.Training.Seed}")),
            new EpochProgress(context), cancellationToken);
        foreach (EpochResult epoch in report.Epochs)
        {
            await context.Output.WriteLineAsync(epoch.Top1Line);
            await context.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"  epoch {epoch.Epoch}: loss {epoch.AverageLoss:0.0000}, {epoch.TrainingTime.TotalSeconds:0.0} s training, {epoch.EvaluationTime.TotalSeconds:0.0} s evaluation"));
        }

        await context.Error.WriteLineAsync($"Saved the model encrypted under key '{report.KeyName}' to {report.ModelPath}");
        await (report.PlotPath is null ? Task.CompletedTask : context.Error.WriteLineAsync($"Wrote loss and accuracy per epoch to {report.PlotPath}"));
        return ExitCodes.Success;
    }

    public async Task<int> EvaluateAsync(KmsTarget kms, string model, string data, int batchSize, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName: null, cancellationToken);
        Accuracy accuracy = await LeNetWorkload.EvaluateAsync(session, context.ResolvePath(model), context.ResolvePath(data), batchSize, cancellationToken);
        await context.Output.WriteLineAsync(accuracy.ToTop1Line());
        return ExitCodes.Success;
    }

    public async Task<int> PredictAsync(KmsTarget kms, string model, string image, string? shape, CancellationToken cancellationToken)
    {
        IReadOnlyList<int>? dimensions;
        try
        {
            dimensions = shape is null ? null : LeNetWorkload.ParseShape(shape);
        }
        catch (FormatException exception)
        {
            throw CliException.Usage($"--shape {exception.Message}");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName: null, cancellationToken);
        ImagePrediction prediction = await LeNetWorkload.PredictAsync(session, context.ResolvePath(model), context.ResolvePath(image), dimensions, cancellationToken);
        await context.Output.WriteLineAsync(prediction.Confidence is { } confidence
            ? string.Create(CultureInfo.InvariantCulture, $"Prediction: {prediction.Label} (confidence {confidence:0.0000})")
            : $"Prediction: {prediction.Label} (ONNX output '{prediction.OnnxOutputName}': {string.Join(' ', prediction.Scores.Select(s => s.ToString("0.####", CultureInfo.InvariantCulture)))})");
        return ExitCodes.Success;
    }

    public async Task<int> FetchMnistAsync(string baseUrl, string output, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--from '{baseUrl}' is not an absolute http(s) URL.");
        }

        using var bar = new ProgressBar(context, "fetch", MnistDatasets.TotalBytes, threshold: 1);
        foreach (string path in await MnistDatasets.FetchMnistAsync(uri, context.ResolvePath(output), bar, cancellationToken))
        {
            await context.Output.WriteLineAsync($"verified {path}");
        }

        return ExitCodes.Success;
    }
}
