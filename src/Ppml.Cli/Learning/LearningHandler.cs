using System.Globalization;
using System.Text.Json;
using Ppml.Learning.Training;
using Ppml.Workloads;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Learning;

/// <summary><c>ppml train lenet</c>, <c>evaluate</c>, <c>predict</c> (<see cref="LeNetWorkload"/> in a workload session) and <c>datasets fetch mnist</c>.</summary>
internal sealed class LearningHandler(CliContext context)
{
    public async Task<int> TrainAsync(KmsTarget kms, string? key, LeNetTrainingRequest request, bool startOver, bool json, CancellationToken cancellationToken)
    {
        if (File.Exists(request.ModelPath) && !request.Overwrite)
        {
            throw CliException.Failure($"Model '{request.ModelPath}' already exists; pass --force to replace it.");
        }

        string checkpoint = request.EffectiveCheckpointPath;
        if (!request.Resume && !startOver && File.Exists(checkpoint))
        {
            // A fresh run would replace the checkpoint of an interrupted one after its first epoch: make the choice explicit.
            throw CliException.Failure($"Checkpoint '{checkpoint}' of an earlier run exists; pass --resume to continue that run, or --force to start over.");
        }

        await using PpmlSession session = await kms.OpenSessionAsync(context, key, cancellationToken);
        int epochs = request.Training.Epochs;
        LeNetTrainingReport report = await LeNetWorkload.TrainAsync(
            session,
            request,
            start => context.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Training LeNet-5 on {start.TrainingImages} images, testing on {start.TestImages}: {start.Training.Epochs} epoch(s), batch {start.Training.BatchSize}, lr {start.Training.LearningRate}, momentum {start.Training.Momentum}, seed {start.Training.Seed}{(start.ResumedEpochs > 0 ? $"; resuming after epoch {start.ResumedEpochs} from {checkpoint}" : "")}")),
            new EpochProgress(context),
            epoch =>
            {
                // As each epoch completes: the accuracy (or its JSON object) on stdout, loss and times on stderr.
                context.Output.WriteLine(json ? JsonSerializer.Serialize(TrainEpochReport.From(epoch, epochs), CliJsonContext.Default.TrainEpochReport) : epoch.Top1Line);
                context.Output.Flush();
                context.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  epoch {epoch.Epoch}/{epochs}: loss {epoch.AverageLoss:0.0000}, {epoch.TrainingTime.TotalSeconds:0.0} s training, {epoch.EvaluationTime.TotalSeconds:0.0} s evaluation; checkpoint saved"));
            },
            cancellationToken);
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(TrainReport.From(report), CliJsonContext.Default.TrainReport));
        }

        await context.Error.WriteLineAsync($"Saved the model encrypted under key '{report.KeyName}' to {report.ModelPath} (checkpoint: {report.CheckpointPath})");
        await (report.PlotPath is null ? Task.CompletedTask : context.Error.WriteLineAsync($"Wrote the loss per step and the accuracy per epoch to {report.PlotPath}"));
        return ExitCodes.Success;
    }

    public async Task<int> EvaluateAsync(KmsTarget kms, string model, string data, int batchSize, bool json, CancellationToken cancellationToken)
    {
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName: null, cancellationToken);
        string modelPath = context.ResolvePath(model);
        string dataPath = context.ResolvePath(data);
        Accuracy accuracy = await LeNetWorkload.EvaluateAsync(session, modelPath, dataPath, batchSize, cancellationToken);
        await context.Output.WriteLineAsync(json
            ? JsonSerializer.Serialize(new EvaluateReport(modelPath, dataPath, accuracy.Correct, accuracy.Count, accuracy.Value), CliJsonContext.Default.EvaluateReport)
            : accuracy.ToTop1Line());
        return ExitCodes.Success;
    }

    public async Task<int> PredictAsync(KmsTarget kms, string model, string image, string? shape, bool json, CancellationToken cancellationToken)
    {
        // --shape was checked at parse time; parsing it again cannot fail.
        IReadOnlyList<int>? dimensions = shape is null ? null : LeNetWorkload.ParseShape(shape);
        await using PpmlSession session = await kms.OpenSessionAsync(context, keyName: null, cancellationToken);
        string modelPath = context.ResolvePath(model);
        string imagePath = context.ResolvePath(image);
        ImagePrediction prediction = await LeNetWorkload.PredictAsync(session, modelPath, imagePath, dimensions, cancellationToken);
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(
                new PredictReport(modelPath, imagePath, prediction.Label, prediction.Confidence, prediction.OnnxOutputName, prediction.Scores), CliJsonContext.Default.PredictReport));
            return ExitCodes.Success;
        }

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
