using System.Globalization;
using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>Average pooling over each channel (BigDL's SpatialAveragePooling, floor mode, no padding).</summary>
internal sealed class AvgPool2d : Layer
{
    private ConvolutionGeometry _geometry;

    public AvgPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideWidth);
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
    }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int StrideHeight { get; }

    public int StrideWidth { get; }

    public override string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"AvgPool2d(kernel={KernelHeight}x{KernelWidth}, stride={StrideHeight}x{StrideWidth})");

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        ConvolutionGeometry g = _geometry;
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

        ConvolutionGeometry g = _geometry;
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

    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[1] < KernelHeight || inputShape[2] < KernelWidth)
        {
            throw new ArgumentException($"{Describe()} expects a CxHxW input at least as large as the kernel, got [{FormatShape(inputShape)}].", nameof(inputShape));
        }

        _geometry = new ConvolutionGeometry(inputShape[0], inputShape[1], inputShape[2], KernelHeight, KernelWidth, StrideHeight, StrideWidth, 0, 0);
        return [inputShape[0], _geometry.OutputHeight, _geometry.OutputWidth];
    }
}
