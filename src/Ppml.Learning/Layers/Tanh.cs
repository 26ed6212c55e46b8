using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>y = tanh(x); ∂x = ∂y·(1 − y²).</summary>
internal sealed class Tanh : Activation
{
    public override string Describe() => "Tanh";

    public override void Forward(float[] input, float[] output, int batch, bool training) =>
        ForEachRange(batch, (start, length) => FastTanh.Compute(input.AsSpan(start, length), output.AsSpan(start, length)));

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        ForEachRange(batch, (start, length) =>
            FastTanh.Backward(output.AsSpan(start, length), outputGradient.AsSpan(start, length), inputGradient.AsSpan(start, length)));
    }
}
