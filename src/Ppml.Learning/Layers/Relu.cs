using System.Numerics;
using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>y = max(x, 0); ∂x = ∂y where y &gt; 0.</summary>
internal sealed class Relu : Activation
{
    public override string Describe() => "ReLU";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        TensorPrimitives.Max(input.AsSpan(0, batch * InputSize), 0f, output.AsSpan(0, batch * OutputSize));

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        int length = batch * InputSize;
        ReadOnlySpan<float> y = output.AsSpan(0, length);
        ReadOnlySpan<float> dy = outputGradient.AsSpan(0, length);
        Span<float> dx = inputGradient.AsSpan(0, length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var mask = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(mask, new Vector<float>(dy[i..]), Vector<float>.Zero).CopyTo(dx[i..]);
            }
        }

        for (; i < length; i++)
        {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
