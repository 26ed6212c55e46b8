using Ppml.Learning.Training;

namespace Ppml.Workloads.Learning;

/// <summary>The result of <see cref="LeNetWorkload.TrainAsync"/>.</summary>
/// <param name="Epochs">One result per epoch (loss, top-1 accuracy, times).</param>
/// <param name="ModelPath">The encrypted model written.</param>
/// <param name="KeyName">The KMS key the model is encrypted under.</param>
/// <param name="PlotPath">The PNG written, if one was asked for.</param>
/// <param name="CheckpointPath">The encrypted checkpoint of the last epoch (kept: a later run can resume from it with more epochs).</param>
/// <param name="ResumedEpochs">Epochs that came from the checkpoint resumed from (0 when the run started afresh).</param>
public sealed record LeNetTrainingReport(IReadOnlyList<EpochResult> Epochs, string ModelPath, string KeyName, string? PlotPath, string CheckpointPath, int ResumedEpochs);
