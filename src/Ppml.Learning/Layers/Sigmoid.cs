using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>y = 1/(1+e^−x); ∂x = ∂y·y·(1 − y).</summary>
internal sealed class Sigmoid : Activation
{
    public override string Describe() => "Sigmoid";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        ForEachRange(batch, (start, length) => TensorPrimitives.Sigmoid(input.AsSpan(start, length), output.AsSpan(start, length)));

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        ForEachRange(batch, (start, length) =>
        {
            ReadOnlySpan<float> y = output.AsSpan(start, length);
            ReadOnlySpan<float> dy = outputGradient.AsSpan(start, length);
            Span<float> dx = inputGradient.AsSpan(start, length);
            TensorPrimitives.Multiply(y, y, dx);
            TensorPrimitives.Subtract(y, dx, dx);
            TensorPrimitives.Multiply(dx, dy, dx);
        });
    }
}
