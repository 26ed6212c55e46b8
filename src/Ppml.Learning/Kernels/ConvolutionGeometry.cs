namespace Ppml.Learning.Kernels;

/// <summary>The shape of one 2-D convolution or pooling window sweep over a C×H×W input.</summary>
internal readonly record struct ConvolutionGeometry(
    int Channels, int Height, int Width, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PadHeight, int PadWidth)
{
    public int OutputHeight => ((Height + (2 * PadHeight) - KernelHeight) / StrideHeight) + 1;

    public int OutputWidth => ((Width + (2 * PadWidth) - KernelWidth) / StrideWidth) + 1;

    /// <summary>Rows of the im2col matrix: C·kh·kw.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>Columns of the im2col matrix: output positions.</summary>
    public int OutputArea => OutputHeight * OutputWidth;

    public int InputArea => Height * Width;
}
