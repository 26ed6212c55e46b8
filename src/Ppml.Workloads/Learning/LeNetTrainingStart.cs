using Ppml.Learning.Training;

namespace Ppml.Workloads.Learning;

/// <summary>What <see cref="LeNetWorkload.TrainAsync"/> is about to train on, reported once the data is loaded.</summary>
/// <param name="TrainingImages">Images trained on (after the limit).</param>
/// <param name="TestImages">Images the accuracy is measured on after each epoch.</param>
/// <param name="Training">The hyper-parameters.</param>
/// <param name="ResumedEpochs">Epochs already done by the checkpoint resumed from (0 when starting afresh).</param>
public sealed record LeNetTrainingStart(int TrainingImages, int TestImages, TrainingOptions Training, int ResumedEpochs = 0);
