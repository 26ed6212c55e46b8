namespace Ppml.Learning.Training;

/// <summary>A trained model and its per-epoch history.</summary>
/// <param name="Model">The trained model (save it with <see cref="Serialization.ModelSerializer.SaveAsync"/>).</param>
/// <param name="Epochs">One entry per completed epoch.</param>
public sealed record TrainingResult(Sequential Model, IReadOnlyList<EpochResult> Epochs)
{
    /// <summary>The loss of every training step (batch), in order; the same number of steps in every epoch.</summary>
    /// <value>Default: empty.</value>
    public IReadOnlyList<float> StepLosses { get; init; } = [];
}
