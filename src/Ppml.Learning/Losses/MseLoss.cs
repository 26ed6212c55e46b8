using System.Numerics.Tensors;

namespace Ppml.Learning.Losses;

/// <summary>Mean squared error over every element: mean((x − t)²); ∂ = 2(x − t)/(batch·size).</summary>
internal sealed class MseLoss : Loss
{
    public override int TargetSize(int predictionSize) => predictionSize;

    public override double Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, int batch, int size)
    {
        int length = batch * size;
        double sum = 0;
        for (int i = 0; i < length; i++)
        {
            double d = prediction[i] - target[i];
            sum += d * d;
        }

        return sum / length;
    }

    public override void Backward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, int batch, int size)
    {
        int length = batch * size;
        Span<float> g = gradient[..length];
        TensorPrimitives.Subtract(prediction[..length], target[..length], g);
        TensorPrimitives.Multiply(g, 2f / length, g);
    }
}
