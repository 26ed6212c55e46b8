using System.Numerics.Tensors;

namespace Ppml.Learning.Losses;

/// <summary>Cross entropy over raw scores (log-softmax and NLL fused): ∂ = (softmax − onehot)/batch.</summary>
internal sealed class CrossEntropyLoss : Loss
{
    public override int TargetSize(int predictionSize) => 1;

    public override double Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, int batch, int size)
    {
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = prediction.Slice(b * size, size);
            float max = TensorPrimitives.Max(row);
            double sumExp = 0;
            foreach (float value in row)
            {
                sumExp += Math.Exp(value - max);
            }

            sum += max + Math.Log(sumExp) - row[ClassOf(target[b], size)];
        }

        return sum / batch;
    }

    public override void Backward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, int batch, int size)
    {
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = prediction.Slice(b * size, size);
            Span<float> g = gradient.Slice(b * size, size);
            TensorPrimitives.SoftMax(row, g);
            g[ClassOf(target[b], size)] -= 1f;
            TensorPrimitives.Multiply(g, 1f / batch, g);
        }
    }
}
