using Ppml.Learning.Kernels;

namespace Ppml.Learning.Tests.Kernels;

public sealed class FastTanhTests
{
    [Fact]
    public void Compute_DenseSweep_MatchesMathTanhWithinFewUlp()
    {
        const int count = 200_003; // odd: exercises the scalar tail
        float[] x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = -12f + (24f * i / (count - 1));
        }

        float[] y = new float[count];
        FastTanh.Compute(x, y);

        double worst = 0;
        for (int i = 0; i < count; i++)
        {
            double expected = Math.Tanh(x[i]);
            double error = Math.Abs(y[i] - expected);
            worst = Math.Max(worst, error / Math.Max(Math.Abs(expected), 1e-3));
            Assert.Equal(FastTanh.Evaluate(x[i]), y[i], 1e-7f);
        }

        Assert.True(worst < 2e-6, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void Compute_Extremes_AreBoundedAndOdd()
    {
        float[] x = [0f, 1e-30f, -1e-30f, 50f, -50f, float.MaxValue, float.MinValue, 0.5f, -0.5f];
        float[] y = new float[x.Length];
        FastTanh.Compute(x, y);
        Assert.Equal(0f, y[0]);
        Assert.Equal(1f, y[3], 1e-6f);
        Assert.Equal(-1f, y[4], 1e-6f);
        Assert.Equal(1f, y[5], 1e-6f);
        Assert.Equal(-1f, y[6], 1e-6f);
        Assert.Equal(-y[7], y[8]);
        Assert.All(y, v => Assert.InRange(v, -1f, 1f));
    }
}
