using System.Globalization;
using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>
/// y = (x − mean)/std with fixed constants: the input normalization BigDL applies in its data pipeline, kept
/// in the model so a saved model takes raw pixel values and predicts exactly as it was evaluated.
/// </summary>
internal sealed class Normalize : Activation
{
    public Normalize(float mean, float standardDeviation)
    {
        if (!float.IsFinite(mean) || !(standardDeviation > 0f) || !float.IsFinite(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), "Normalize needs a finite mean and a positive finite standard deviation.");
        }

        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    public float Mean { get; }

    public float StandardDeviation { get; }

    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Normalize(mean={Mean:R}, std={StandardDeviation:R})");

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        float scale = 1f / StandardDeviation;
        float shift = -Mean * scale;
        ForEachRange(batch, (start, length) =>
        {
            Span<float> y = output.AsSpan(start, length);
            TensorPrimitives.Multiply(input.AsSpan(start, length), scale, y);
            TensorPrimitives.Add(y, shift, y);
        });
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is not null)
        {
            int length = batch * InputSize;
            TensorPrimitives.Multiply(outputGradient.AsSpan(0, length), 1f / StandardDeviation, inputGradient.AsSpan(0, length));
        }
    }
}
