namespace Ppml.Learning.Losses;

/// <summary>BigDL's ClassNLLCriterion: −mean(logp[target]) over log-probabilities (after LogSoftmax).</summary>
internal sealed class ClassNllLoss : Loss
{
    public override int TargetSize(int predictionSize) => 1;

    public override double Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, int batch, int size)
    {
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            sum -= prediction[(b * size) + ClassOf(target[b], size)];
        }

        return sum / batch;
    }

    public override void Backward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, int batch, int size)
    {
        gradient[..(batch * size)].Clear();
        float share = -1f / batch;
        for (int b = 0; b < batch; b++)
        {
            gradient[(b * size) + ClassOf(target[b], size)] = share;
        }
    }
}
