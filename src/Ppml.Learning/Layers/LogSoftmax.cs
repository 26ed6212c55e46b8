using System.Numerics.Tensors;

namespace Ppml.Learning.Layers;

/// <summary>Row-wise log-softmax over the features of each sample; ∂x = ∂y − softmax·Σ∂y.</summary>
internal sealed class LogSoftmax : Activation
{
    private float[] _scratch = [];

    public override string Describe() => "LogSoftmax";

    public override void EnsureCapacity(int batch)
    {
        if (_scratch.Length < InputSize)
        {
            _scratch = new float[InputSize];
        }
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        EnsureCapacity(batch);
        int features = InputSize;
        Span<float> exp = _scratch.AsSpan(0, features);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = input.AsSpan(b * features, features);
            Span<float> y = output.AsSpan(b * features, features);
            float max = TensorPrimitives.Max(x);
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Exp(y, exp);
            float logSum = MathF.Log(TensorPrimitives.Sum(exp));
            TensorPrimitives.Subtract(y, logSum, y);
        }
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        int features = InputSize;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> y = output.AsSpan(b * features, features);
            ReadOnlySpan<float> dy = outputGradient.AsSpan(b * features, features);
            Span<float> dx = inputGradient.AsSpan(b * features, features);
            float sum = TensorPrimitives.Sum(dy);
            TensorPrimitives.Exp(y, dx);
            TensorPrimitives.Multiply(dx, -sum, dx);
            TensorPrimitives.Add(dx, dy, dx);
        }
    }

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        _scratch = [];
        return base.ComputeOutputShape(inputShape);
    }
}
