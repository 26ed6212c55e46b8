using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>Average pooling over each channel (BigDL's SpatialAveragePooling, floor mode, no padding).</summary>
internal sealed class AvgPool2d : Pool2d
{

    public AvgPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
        : base(kernelHeight, kernelWidth, strideHeight, strideWidth)
    {
    }

    protected override string Name => "AvgPool2d";

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        ConvolutionGeometry g = Geometry;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> x = input.AsSpan(plane * g.InputArea, g.InputArea);
            Span<float> y = output.AsSpan(plane * g.OutputArea, g.OutputArea);
            for (int i = 0; i < g.OutputHeight; i++)
            {
                for (int j = 0; j < g.OutputWidth; j++)
                {
                    float sum = 0f;
                    for (int ki = 0; ki < g.KernelHeight; ki++)
                    {
                        int rowStart = (((i * g.StrideHeight) + ki) * g.Width) + (j * g.StrideWidth);
                        for (int kj = 0; kj < g.KernelWidth; kj++)
                        {
                            sum += x[rowStart + kj];
                        }
                    }

                    y[(i * g.OutputWidth) + j] = sum * scale;
                }
            }
        }
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        ConvolutionGeometry g = Geometry;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        Array.Clear(inputGradient, 0, batch * InputSize);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            Span<float> dx = inputGradient.AsSpan(plane * g.InputArea, g.InputArea);
            ReadOnlySpan<float> dy = outputGradient.AsSpan(plane * g.OutputArea, g.OutputArea);
            for (int i = 0; i < g.OutputHeight; i++)
            {
                for (int j = 0; j < g.OutputWidth; j++)
                {
                    float share = dy[(i * g.OutputWidth) + j] * scale;
                    for (int ki = 0; ki < g.KernelHeight; ki++)
                    {
                        int rowStart = (((i * g.StrideHeight) + ki) * g.Width) + (j * g.StrideWidth);
                        for (int kj = 0; kj < g.KernelWidth; kj++)
                        {
                            dx[rowStart + kj] += share;
                        }
                    }
                }
            }
        }
    }
}
