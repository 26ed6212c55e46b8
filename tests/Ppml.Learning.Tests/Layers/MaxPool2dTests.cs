using Ppml.Learning.Layers;

namespace Ppml.Learning.Tests.Layers;

public sealed class MaxPool2dTests
{
    [Theory]
    [InlineData(2, 2, 2, 2, 24, 40)]
    [InlineData(2, 2, 2, 2, 8, 35)]
    [InlineData(3, 2, 2, 1, 9, 20)]
    public void Forward_TiesAndNaN_MatchNaiveFirstMaximum(int kh, int kw, int sh, int sw, int height, int width)
    {
        var random = new SeededRandom((ulong)(height * 100 + width));
        const int channels = 3, batch = 2;
        var layer = new MaxPool2d(kh, kw, sh, sw);
        layer.Build([channels, height, width]);
        float[] input = new float[batch * layer.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            // Few distinct values, so windows hold ties; a few NaNs must propagate.
            input[i] = random.NextInt32(5);
            if (random.NextInt32(200) == 0)
            {
                input[i] = float.NaN;
            }
        }

        float[] output = new float[batch * layer.OutputSize];
        layer.Forward(input, output, batch, training: true);
        float[] gradient = Enumerable.Range(0, output.Length).Select(i => (float)(i + 1)).ToArray();
        float[] inputGradient = new float[input.Length];
        layer.Backward(input, output, gradient, inputGradient, batch);

        int outH = layer.OutputShape[1];
        int outW = layer.OutputShape[2];
        float[] expectedGradient = new float[input.Length];
        for (int plane = 0; plane < batch * channels; plane++)
        {
            for (int i = 0; i < outH; i++)
            {
                for (int j = 0; j < outW; j++)
                {
                    int bestIndex = -1;
                    float best = 0f;
                    for (int ki = 0; ki < kh; ki++)
                    {
                        for (int kj = 0; kj < kw; kj++)
                        {
                            int index = (plane * height * width) + (((i * sh) + ki) * width) + (j * sw) + kj;
                            if (bestIndex < 0 || input[index] > best || float.IsNaN(input[index]))
                            {
                                best = input[index];
                                bestIndex = index;
                            }
                        }
                    }

                    int outIndex = (plane * outH * outW) + (i * outW) + j;
                    Assert.Equal(best, output[outIndex]);
                    expectedGradient[bestIndex] += gradient[outIndex];
                }
            }
        }

        Assert.Equal(expectedGradient, inputGradient);
    }
}
