using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>y = 1/(1+e^−x); ∂x = ∂y·y·(1 − y).</summary>
internal sealed class Sigmoid : Activation
{
    public override string Describe() => "Sigmoid";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        TensorPrimitives.Sigmoid(input.AsSpan(0, batch * InputSize), output.AsSpan(0, batch * OutputSize));

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
        TensorPrimitives.Multiply(y, y, dx);
        TensorPrimitives.Subtract(y, dx, dx);
        TensorPrimitives.Multiply(dx, dy, dx);
    }
}
