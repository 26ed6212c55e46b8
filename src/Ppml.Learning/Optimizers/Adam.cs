namespace Ppml.Learning.Optimizers;

/// <summary>Adam (Kingma &amp; Ba) with bias correction and optional L2 weight decay added to the gradient.</summary>
internal sealed class Adam : Optimizer
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private float[] _firstMoment = [];
    private float[] _secondMoment = [];
    private long _steps;

    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, LearningRateSchedule? schedule = null)
        : base(learningRate, schedule)
    {
        if (!(beta1 is >= 0f and < 1f) || !(beta2 is >= 0f and < 1f) || !(epsilon > 0f) || !(weightDecay >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), "Need beta1, beta2 in [0, 1), epsilon > 0, weight decay ≥ 0.");
        }

        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
    }

    /// <summary>The first moments followed by the second moments (empty before the first step).</summary>
    public override float[] ExportState() => [.. _firstMoment, .. _secondMoment];

    protected override void ImportState(ReadOnlySpan<float> state, long iteration)
    {
        if (state.Length % 2 != 0 || (state.IsEmpty && iteration > 0))
        {
            throw new ArgumentException($"Adam after {iteration} steps cannot take a state of {state.Length} values.", nameof(state));
        }

        _firstMoment = state[..(state.Length / 2)].ToArray();
        _secondMoment = state[(state.Length / 2)..].ToArray();
        _steps = state.IsEmpty ? 0 : iteration;
    }

    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float rate)
    {
        if (_firstMoment.Length != parameters.Length)
        {
            _firstMoment = new float[parameters.Length];
            _secondMoment = new float[parameters.Length];
            _steps = 0;
        }

        _steps++;
        float correction1 = 1f - MathF.Pow(_beta1, _steps);
        float correction2 = 1f - MathF.Pow(_beta2, _steps);
        float stepSize = rate / correction1;
        float inverseSqrtCorrection2 = 1f / MathF.Sqrt(correction2);
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i] + (_weightDecay * parameters[i]);
            float m = (_beta1 * _firstMoment[i]) + ((1f - _beta1) * g);
            float v = (_beta2 * _secondMoment[i]) + ((1f - _beta2) * g * g);
            _firstMoment[i] = m;
            _secondMoment[i] = v;
            parameters[i] -= stepSize * m / ((MathF.Sqrt(v) * inverseSqrtCorrection2) + _epsilon);
        }
    }
}
