using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>y = tanh(x); ∂x = ∂y·(1 − y²).</summary>
internal sealed class Tanh : Activation
{
    public override string Describe() => "Tanh";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        ForEachRange(batch, (start, length) => TensorPrimitives.Tanh(input.AsSpan(start, length), output.AsSpan(start, length)));

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        ForEachRange(batch, (start, length) =>
        {
            ReadOnlySpan<float> y = output.AsSpan(start, length);
            Span<float> dx = inputGradient.AsSpan(start, length);
            ReadOnlySpan<float> dy = outputGradient.AsSpan(start, length);
            TensorPrimitives.Multiply(y, y, dx);
            TensorPrimitives.Multiply(dx, dy, dx);
            TensorPrimitives.Subtract(dy, dx, dx);
        });
    }
}
