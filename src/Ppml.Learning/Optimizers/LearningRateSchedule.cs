namespace Ppml.Learning.Optimizers;

/// <summary>The learning rate as a function of the iteration (batches seen) and the epoch (0-based).</summary>
internal abstract class LearningRateSchedule
{
    public abstract float Rate(float baseRate, long iteration, int epoch);

    /// <summary>A fixed rate.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>BigDL's SGD <c>learningRateDecay</c>: lr / (1 + iteration·decay).</summary>
    public static LearningRateSchedule InverseDecay(float decay) => new InverseDecaySchedule(decay);

    /// <summary>lr · gamma^⌊epoch/stepEpochs⌋.</summary>
    public static LearningRateSchedule Step(int stepEpochs, float gamma) => new StepSchedule(stepEpochs, gamma);

    /// <summary>lr · gamma^epoch.</summary>
    public static LearningRateSchedule Exponential(float gamma) => new StepSchedule(1, gamma);

    private sealed class ConstantSchedule : LearningRateSchedule
    {
        public override float Rate(float baseRate, long iteration, int epoch) => baseRate;
    }

    private sealed class InverseDecaySchedule(float decay) : LearningRateSchedule
    {
        public override float Rate(float baseRate, long iteration, int epoch) => baseRate / (1f + (iteration * decay));
    }

    private sealed class StepSchedule : LearningRateSchedule
    {
        private readonly int _stepEpochs;
        private readonly float _gamma;

        public StepSchedule(int stepEpochs, float gamma)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepEpochs);
            _stepEpochs = stepEpochs;
            _gamma = gamma;
        }

        public override float Rate(float baseRate, long iteration, int epoch) =>
            baseRate * MathF.Pow(_gamma, epoch / _stepEpochs);
    }
}
