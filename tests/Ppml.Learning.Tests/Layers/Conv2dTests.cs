using Ppml.Learning.Layers;

namespace Ppml.Learning.Tests.Layers;

public sealed class Conv2dTests
{
    [Fact]
    public void ForwardAndBackward_RandomOddShapes_MatchDirectConvolution()
    {
        var random = new SeededRandom(2024);
        for (int trial = 0; trial < 40; trial++)
        {
            int batch = 1 + random.NextInt32(trial == 0 ? 40 : 3);
            int inChannels = 1 + random.NextInt32(3);
            int outChannels = 1 + random.NextInt32(4);
            int height = 3 + random.NextInt32(9);
            int width = 3 + random.NextInt32(9);
            int padH = random.NextInt32(3);
            int padW = random.NextInt32(3);
            int kernelH = 1 + random.NextInt32(Math.Min(5, height + (2 * padH)));
            int kernelW = 1 + random.NextInt32(Math.Min(5, width + (2 * padW)));
            int strideH = 1 + random.NextInt32(3);
            int strideW = 1 + random.NextInt32(3);
            CheckOne(random, batch, inChannels, outChannels, height, width, kernelH, kernelW, strideH, strideW, padH, padW);
        }
    }

    private static void CheckOne(SeededRandom random, int batch, int c, int oc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var layer = new Conv2d(c, oc, kh, kw, sh, sw, ph, pw);
        layer.Build([c, h, w]);
        float[] parameters = GradientChecker.Uniform(random, layer.ParameterCount);
        float[] gradients = new float[layer.ParameterCount];
        layer.Bind(parameters, gradients, 0);
        int outH = layer.OutputShape[1];
        int outW = layer.OutputShape[2];
        float[] x = GradientChecker.Uniform(random, batch * c * h * w);
        float[] y = new float[batch * layer.OutputSize];
        layer.Forward(x, y, batch, training: true);
        float[] dy = GradientChecker.Uniform(random, y.Length);
        float[] dx = new float[x.Length];
        layer.Backward(x, y, dy, dx, batch);

        int weightCount = oc * c * kh * kw;
        double[] expectedDx = new double[x.Length];
        double[] expectedDw = new double[layer.ParameterCount];
        string shape = $"b={batch} c={c} oc={oc} {h}x{w} k={kh}x{kw} s={sh}x{sw} p={ph}x{pw}";
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < oc; o++)
            {
                for (int i = 0; i < outH; i++)
                {
                    for (int j = 0; j < outW; j++)
                    {
                        int outIndex = (((b * oc) + o) * outH * outW) + (i * outW) + j;
                        double sum = parameters[weightCount + o];
                        double g = dy[outIndex];
                        expectedDw[weightCount + o] += g;
                        for (int ci = 0; ci < c; ci++)
                        {
                            for (int ki = 0; ki < kh; ki++)
                            {
                                for (int kj = 0; kj < kw; kj++)
                                {
                                    int iy = (i * sh) - ph + ki;
                                    int ix = (j * sw) - pw + kj;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                    {
                                        continue;
                                    }

                                    int xIndex = (((b * c) + ci) * h * w) + (iy * w) + ix;
                                    int wIndex = (((o * c) + ci) * kh * kw) + (ki * kw) + kj;
                                    sum += (double)parameters[wIndex] * x[xIndex];
                                    expectedDw[wIndex] += g * x[xIndex];
                                    expectedDx[xIndex] += g * parameters[wIndex];
                                }
                            }
                        }

                        Assert.True(Math.Abs(sum - y[outIndex]) < 1e-4, $"forward {shape} at {outIndex}: {sum} vs {y[outIndex]}");
                    }
                }
            }
        }

        for (int i = 0; i < dx.Length; i++)
        {
            Assert.True(Math.Abs(expectedDx[i] - dx[i]) < 1e-4, $"dx {shape} at {i}: {expectedDx[i]} vs {dx[i]}");
        }

        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.True(Math.Abs(expectedDw[i] - gradients[i]) < 1e-3, $"dW {shape} at {i}: {expectedDw[i]} vs {gradients[i]}");
        }
    }
}
