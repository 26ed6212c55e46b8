using System.Globalization;
using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>
/// Batch normalization over the first (feature/channel) dimension of each sample: input [C] or [C, H, W].
/// Parameters are γ[C] then β[C]; state is the running mean[C] then running variance[C] (unbiased, updated
/// with <see cref="Momentum"/> as in Torch/BigDL). Training uses batch statistics, inference the running ones.
/// </summary>
internal sealed class BatchNorm : Layer
{
    private float[] _parameters = [];
    private float[] _gradients = [];
    private int _offset;
    private float[] _state = [];
    private int _stateOffset;
    private float[] _normalized = [];
    private readonly float[] _inverseStd;

    public BatchNorm(int features, float epsilon = 1e-5f, float momentum = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(features, Array.MaxLength / 2);
        if (!(epsilon > 0f) || !(momentum is > 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), "BatchNorm needs epsilon > 0 and momentum in (0, 1].");
        }

        Features = features;
        Epsilon = epsilon;
        Momentum = momentum;
        _inverseStd = new float[features];
    }

    public int Features { get; }

    public float Epsilon { get; }

    public float Momentum { get; }

    public override int ParameterCount => 2 * Features;

    public override int StateCount => 2 * Features;

    private int Spatial => InputSize / Features;

    public override string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"BatchNorm(features={Features}, eps={Epsilon:R}, momentum={Momentum:R})");

    public override void Bind(float[] parameters, float[] gradients, int offset)
    {
        _parameters = parameters;
        _gradients = gradients;
        _offset = offset;
    }

    public override void BindState(float[] state, int offset)
    {
        _state = state;
        _stateOffset = offset;
    }

    public override void Initialize(SeededRandom random)
    {
        _parameters.AsSpan(_offset, Features).Fill(1f);
        _parameters.AsSpan(_offset + Features, Features).Clear();
        _state.AsSpan(_stateOffset, Features).Clear();
        _state.AsSpan(_stateOffset + Features, Features).Fill(1f);
    }

    public override void EnsureCapacity(int batch)
    {
        if (_normalized.Length < batch * InputSize)
        {
            _normalized = new float[batch * InputSize];
        }
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        EnsureCapacity(batch);
        int spatial = Spatial;
        Span<float> runningMean = _state.AsSpan(_stateOffset, Features);
        Span<float> runningVariance = _state.AsSpan(_stateOffset + Features, Features);
        for (int c = 0; c < Features; c++)
        {
            float mean;
            float inverseStd;
            if (training)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    sum += TensorPrimitives.Sum(input.AsSpan((b * InputSize) + (c * spatial), spatial));
                }

                int n = batch * spatial;
                mean = (float)(sum / n);
                double squares = 0;
                for (int b = 0; b < batch; b++)
                {
                    ReadOnlySpan<float> x = input.AsSpan((b * InputSize) + (c * spatial), spatial);
                    for (int i = 0; i < x.Length; i++)
                    {
                        double d = x[i] - mean;
                        squares += d * d;
                    }
                }

                float variance = (float)(squares / n);
                inverseStd = 1f / MathF.Sqrt(variance + Epsilon);
                float unbiased = n > 1 ? (float)(squares / (n - 1)) : variance;
                runningMean[c] = ((1f - Momentum) * runningMean[c]) + (Momentum * mean);
                runningVariance[c] = ((1f - Momentum) * runningVariance[c]) + (Momentum * unbiased);
            }
            else
            {
                mean = runningMean[c];
                inverseStd = 1f / MathF.Sqrt(runningVariance[c] + Epsilon);
            }

            _inverseStd[c] = inverseStd;
            float gamma = _parameters[_offset + c];
            float beta = _parameters[_offset + Features + c];
            for (int b = 0; b < batch; b++)
            {
                int start = (b * InputSize) + (c * spatial);
                Span<float> normalized = _normalized.AsSpan(start, spatial);
                TensorPrimitives.Subtract(input.AsSpan(start, spatial), mean, normalized);
                TensorPrimitives.Multiply(normalized, inverseStd, normalized);
                Span<float> y = output.AsSpan(start, spatial);
                TensorPrimitives.Multiply(normalized, gamma, y);
                TensorPrimitives.Add(y, beta, y);
            }
        }
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        int spatial = Spatial;
        int n = batch * spatial;
        for (int c = 0; c < Features; c++)
        {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int b = 0; b < batch; b++)
            {
                int start = (b * InputSize) + (c * spatial);
                ReadOnlySpan<float> dy = outputGradient.AsSpan(start, spatial);
                sumDy += TensorPrimitives.Sum(dy);
                sumDyXhat += TensorPrimitives.Dot(dy, _normalized.AsSpan(start, spatial));
            }

            _gradients[_offset + c] += (float)sumDyXhat;
            _gradients[_offset + Features + c] += (float)sumDy;
            if (inputGradient is null)
            {
                continue;
            }

            // dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂))
            float gamma = _parameters[_offset + c];
            float scale = gamma * _inverseStd[c] / n;
            float meanDy = (float)sumDy;
            float meanDyXhat = (float)sumDyXhat;
            for (int b = 0; b < batch; b++)
            {
                int start = (b * InputSize) + (c * spatial);
                ReadOnlySpan<float> dy = outputGradient.AsSpan(start, spatial);
                ReadOnlySpan<float> xhat = _normalized.AsSpan(start, spatial);
                Span<float> dx = inputGradient.AsSpan(start, spatial);
                for (int i = 0; i < spatial; i++)
                {
                    dx[i] = scale * ((n * dy[i]) - meanDy - (xhat[i] * meanDyXhat));
                }
            }
        }
    }

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if ((inputShape.Length != 1 && inputShape.Length != 3) || inputShape[0] != Features)
        {
            throw new ArgumentException($"{Describe()} expects a [{Features}] or [{Features}xHxW] input, got [{FormatShape(inputShape)}].", nameof(inputShape));
        }

        _normalized = [];
        return (int[])inputShape.Clone();
    }
}
