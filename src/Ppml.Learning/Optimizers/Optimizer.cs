namespace Ppml.Learning.Optimizers;

/// <summary>Updates a flat parameter buffer from the flat gradient buffer of the same layout.</summary>
internal abstract class Optimizer
{
    protected Optimizer(float learningRate, LearningRateSchedule? schedule)
    {
        if (!(learningRate > 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        LearningRate = learningRate;
        Schedule = schedule ?? LearningRateSchedule.Constant;
    }

    public float LearningRate { get; }

    public LearningRateSchedule Schedule { get; }

    /// <summary>Steps taken so far.</summary>
    public long Iteration { get; private set; }

    /// <summary>The epoch the schedule sees; the trainer sets it.</summary>
    public int Epoch { get; set; }

    public float CurrentRate => Schedule.Rate(LearningRate, Iteration, Epoch);

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException("Parameters and gradients differ in length.", nameof(gradients));
        }

        Update(parameters, gradients, CurrentRate);
        Iteration++;
    }

    /// <summary>The optimizer's internal state (momentum buffers and the like) as one flat buffer, for checkpoints.</summary>
    public abstract float[] ExportState();

    /// <summary>
    /// Continues from a checkpoint: the step count and the state of <see cref="ExportState"/>, so the next
    /// <see cref="Step"/> does what it would have done in the run that wrote them.
    /// </summary>
    public void Restore(long iteration, ReadOnlySpan<float> state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        ImportState(state, iteration);
        Iteration = iteration;
    }

    protected abstract void ImportState(ReadOnlySpan<float> state, long iteration);

    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float rate);
}
