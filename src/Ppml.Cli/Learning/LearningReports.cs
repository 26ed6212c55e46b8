using Ppml.Learning.Training;
using Ppml.Workloads.Learning;

namespace Ppml.Cli.Learning;

/// <summary><c>ppml train lenet --json</c>, one line per epoch as it completes (<c>type</c> is <c>epoch</c>).</summary>
/// <param name="Type">Always <c>epoch</c>.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Loss">Mean training loss of the epoch (negative log-likelihood, nats); null when it diverged.</param>
/// <param name="Correct">Test images classified correctly.</param>
/// <param name="Count">Test images.</param>
/// <param name="Accuracy">Top-1 accuracy, 0..1.</param>
/// <param name="TrainingSeconds">Wall time of the training pass.</param>
/// <param name="EvaluationSeconds">Wall time of the evaluation.</param>
internal sealed record TrainEpochReport(
    string Type, int Epoch, int Epochs, double? Loss, int Correct, int Count, double Accuracy, double TrainingSeconds, double EvaluationSeconds)
{
    public static TrainEpochReport From(EpochResult epoch, int epochs) => new(
        "epoch",
        epoch.Epoch,
        epochs,
        double.IsFinite(epoch.AverageLoss) ? epoch.AverageLoss : null,
        epoch.Top1.Correct,
        epoch.Top1.Count,
        epoch.Top1.Value,
        epoch.TrainingTime.TotalSeconds,
        epoch.EvaluationTime.TotalSeconds);
}

/// <summary><c>ppml train lenet --json</c>, the last line (<c>type</c> is <c>result</c>): what was written and the final accuracy.</summary>
/// <param name="Type">Always <c>result</c>.</param>
/// <param name="Model">The encrypted model written.</param>
/// <param name="Key">The KMS key the model and checkpoint are encrypted under.</param>
/// <param name="Checkpoint">The encrypted checkpoint of the last epoch.</param>
/// <param name="Plot">The PNG written, if asked for.</param>
/// <param name="Epochs">Epochs of the model.</param>
/// <param name="ResumedEpochs">Epochs that came from the checkpoint resumed from.</param>
/// <param name="Loss">Mean training loss of the last epoch; null when it diverged.</param>
/// <param name="Correct">Test images classified correctly after the last epoch.</param>
/// <param name="Count">Test images.</param>
/// <param name="Accuracy">Top-1 accuracy after the last epoch, 0..1.</param>
internal sealed record TrainReport(
    string Type, string Model, string Key, string Checkpoint, string? Plot, int Epochs, int ResumedEpochs, double? Loss, int Correct, int Count, double Accuracy)
{
    public static TrainReport From(LeNetTrainingReport report)
    {
        EpochResult last = report.Epochs[^1];
        return new(
            "result",
            report.ModelPath,
            report.KeyName,
            report.CheckpointPath,
            report.PlotPath,
            report.Epochs.Count,
            report.ResumedEpochs,
            double.IsFinite(last.AverageLoss) ? last.AverageLoss : null,
            last.Top1.Correct,
            last.Top1.Count,
            last.Top1.Value);
    }
}

/// <summary><c>ppml evaluate --json</c>.</summary>
/// <param name="Model">The model evaluated.</param>
/// <param name="Data">The MNIST directory.</param>
/// <param name="Correct">Test images classified correctly.</param>
/// <param name="Count">Test images.</param>
/// <param name="Accuracy">Top-1 accuracy, 0..1.</param>
internal sealed record EvaluateReport(string Model, string Data, int Correct, int Count, double Accuracy);

/// <summary><c>ppml predict --json</c>.</summary>
/// <param name="Model">The model used.</param>
/// <param name="Image">The image classified.</param>
/// <param name="Label">The predicted digit.</param>
/// <param name="Confidence">Probability of the label (LeNet models); null for ONNX models.</param>
/// <param name="OnnxOutput">The ONNX output read (ONNX models); null otherwise.</param>
/// <param name="Scores">The raw ONNX output (ONNX models); empty otherwise.</param>
internal sealed record PredictReport(string Model, string Image, int Label, float? Confidence, string? OnnxOutput, IReadOnlyList<float> Scores);
