using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>y = tanh(x); ∂x = ∂y·(1 − y²).</summary>
internal sealed class Tanh : Activation
{
    public override string Describe() => "Tanh";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        TensorPrimitives.Tanh(input.AsSpan(0, batch * InputSize), output.AsSpan(0, batch * OutputSize));

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        int length = batch * InputSize;
        ReadOnlySpan<float> y = output.AsSpan(0, length);
        Span<float> dx = inputGradient.AsSpan(0, length);
        ReadOnlySpan<float> dy = outputGradient.AsSpan(0, length);
        TensorPrimitives.Multiply(y, y, dx);
        TensorPrimitives.Multiply(dx, dy, dx);
        TensorPrimitives.Subtract(dy, dx, dx);
    }
}
