using System.Globalization;
using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>
/// Inverted dropout: in training each element is zeroed with probability p and the survivors scaled by
/// 1/(1−p); at inference it is the identity. The mask comes from the model's seeded generator.
/// </summary>
internal sealed class Dropout : Activation
{
    private SeededRandom _random = new(0);
    private float[] _mask = [];

    public Dropout(float probability)
    {
        if (!(probability >= 0f && probability < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must be in [0, 1).");
        }

        Probability = probability;
    }

    public float Probability { get; }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"Dropout(p={Probability:R})");

    public override void Initialize(SeededRandom random) => _random = random.Fork(0xD709);

    public override void EnsureCapacity(int batch)
    {
        if (_mask.Length < batch * InputSize)
        {
            _mask = new float[batch * InputSize];
        }
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        int length = batch * InputSize;
        if (!training)
        {
            input.AsSpan(0, length).CopyTo(output);
            return;
        }

        EnsureCapacity(batch);
        float scale = 1f / (1f - Probability);
        Span<float> mask = _mask.AsSpan(0, length);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextSingle() < Probability ? 0f : scale;
        }

        TensorPrimitives.Multiply(input.AsSpan(0, length), mask, output.AsSpan(0, length));
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is not null)
        {
            int length = batch * InputSize;
            TensorPrimitives.Multiply(outputGradient.AsSpan(0, length), _mask.AsSpan(0, length), inputGradient.AsSpan(0, length));
        }
    }
}
