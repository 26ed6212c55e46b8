namespace Ppml.Learning.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="AverageLoss">Mean training loss over the epoch's batches.</param>
/// <param name="Top1">Top-1 accuracy on the test set after the epoch.</param>
/// <param name="TrainingTime">Wall time of the training pass (excluding evaluation).</param>
/// <param name="EvaluationTime">Wall time of the test-set evaluation.</param>
/// <param name="Samples">Training samples seen in the epoch.</param>
public sealed record EpochResult(int Epoch, double AverageLoss, Accuracy Top1, TimeSpan TrainingTime, TimeSpan EvaluationTime, int Samples)
{
    /// <summary>The line BigDL prints after validation: <c>Top1Accuracy is Accuracy(correct: C, count: N, accuracy: A)</c>.</summary>
    public string Top1Line => Top1.ToTop1Line();
}
