namespace Ppml.Learning.Training;

/// <summary>Hyper-parameters of <c>LeNetTrainer.TrainAsync</c>; the defaults are those of <c>ppml train lenet</c>.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    /// <value>Default: 2.</value>
    public int Epochs { get; init; } = 2;

    /// <summary>Samples per SGD step (BigDL's LeNet example uses 128).</summary>
    /// <value>Default: 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>SGD learning rate.</summary>
    /// <value>Default: 0.05 (BigDL's LeNet example).</value>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>SGD momentum (BigDL's example uses none; 0.9 reaches ≥ 0.97 top-1 in two epochs).</summary>
    /// <value>Default: 0.9.</value>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight decay added to the gradient.</summary>
    /// <value>Default: 0.</value>
    public float WeightDecay { get; init; }

    /// <summary>BigDL's <c>learningRateDecay</c>: the rate at step t is lr / (1 + t·decay).</summary>
    /// <value>Default: 0 (constant rate).</value>
    public float LearningRateDecay { get; init; }

    /// <summary>Seed of the parameter initialization and of the per-epoch shuffles.</summary>
    /// <value>Default: 42.</value>
    public int Seed { get; init; } = 42;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive and finite.");
        }

        if (!(Momentum is >= 0f and < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        }

        if (!(WeightDecay >= 0f) || !(LearningRateDecay >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), "Weight decay and learning-rate decay must be ≥ 0.");
        }
    }
}
