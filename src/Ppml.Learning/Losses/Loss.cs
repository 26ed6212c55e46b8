namespace Ppml.Learning.Losses;

/// <summary>
/// A criterion over a batch: predictions [batch, size]; targets are class indices (one per sample, stored as
/// floats, 0-based) for the classification losses and a tensor like the prediction for regression losses.
/// Losses average over the batch (BigDL's sizeAverage = true).
/// </summary>
internal abstract class Loss
{
    /// <summary>Values per sample the target holds, given the prediction's per-sample size.</summary>
    public abstract int TargetSize(int predictionSize);

    public abstract double Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, int batch, int size);

    /// <summary>Writes ∂loss/∂prediction into <paramref name="gradient"/>.</summary>
    public abstract void Backward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, int batch, int size);

    protected static int ClassOf(float target, int size)
    {
        int label = (int)target;
        if (label != target || label < 0 || label >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, $"Class targets must be integers in 0..{size - 1}.");
        }

        return label;
    }
}
