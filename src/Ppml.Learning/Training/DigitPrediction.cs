namespace Ppml.Learning.Training;

/// <summary>A classification of one image.</summary>
/// <param name="Label">The most probable class.</param>
/// <param name="Probabilities">Probability per class (softmax of the model output), summing to 1.</param>
public sealed record DigitPrediction(int Label, IReadOnlyList<float> Probabilities)
{
    /// <summary>Probability of <see cref="Label"/>.</summary>
    public float Confidence => Probabilities[Label];
}
