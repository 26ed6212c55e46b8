using System.Numerics;

namespace Ppml.Learning.Optimizers;

/// <summary>
/// SGD as in Torch/BigDL: g' = g + wd·w; v = μ·v + (1 − dampening)·g' (v = g' on the first step);
/// w −= lr·(nesterov ? g' + μ·v : v).
/// </summary>
internal sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly float _weightDecay;
    private readonly bool _nesterov;
    private float[] _velocity = [];

    public Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f, float dampening = 0f, bool nesterov = false, LearningRateSchedule? schedule = null)
        : base(learningRate, schedule)
    {
        if (!(momentum is >= 0f and < 1f) || !(weightDecay >= 0f) || !(dampening is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), "Need momentum in [0, 1), weight decay ≥ 0, dampening in [0, 1].");
        }

        if (nesterov && (momentum == 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and no dampening.", nameof(nesterov));
        }

        _momentum = momentum;
        _dampening = dampening;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
    }

    /// <summary>The velocity (empty without momentum or before the first step, which then starts it from the gradient).</summary>
    public override float[] ExportState() => (float[])_velocity.Clone();

    protected override void ImportState(ReadOnlySpan<float> state, long iteration)
    {
        if (_momentum == 0f ? !state.IsEmpty : (state.IsEmpty && iteration > 0))
        {
            throw new ArgumentException($"SGD with momentum {_momentum} after {iteration} steps cannot take a velocity of {state.Length} values.", nameof(state));
        }

        _velocity = state.ToArray();
    }

    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float rate)
    {
        bool first = false;
        if (_momentum != 0f && _velocity.Length != parameters.Length)
        {
            _velocity = new float[parameters.Length];
            first = true;
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var decay = new Vector<float>(_weightDecay);
            var momentum = new Vector<float>(_momentum);
            var keep = new Vector<float>(first ? 1f : 1f - _dampening);
            var lr = new Vector<float>(rate);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var w = new Vector<float>(parameters[i..]);
                Vector<float> g = new Vector<float>(gradients[i..]) + (decay * w);
                if (_momentum != 0f)
                {
                    var v = new Vector<float>(_velocity.AsSpan(i));
                    v = first ? g : (momentum * v) + (keep * g);
                    v.CopyTo(_velocity.AsSpan(i));
                    g = _nesterov ? g + (momentum * v) : v;
                }

                (w - (lr * g)).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = gradients[i] + (_weightDecay * parameters[i]);
            if (_momentum != 0f)
            {
                float v = first ? g : (_momentum * _velocity[i]) + ((1f - _dampening) * g);
                _velocity[i] = v;
                g = _nesterov ? g + (_momentum * v) : v;
            }

            parameters[i] -= rate * g;
        }
    }
}
