using System.Globalization;
using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>Pooling over each channel of a CxHxW input (floor mode, no padding): the kernel, the stride and the geometry.</summary>
internal abstract class Pool2d : Layer
{
    protected Pool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
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

    /// <summary>The layer's name in a model file (<see cref="LayerFactory"/>).</summary>
    protected abstract string Name { get; }

    /// <summary>The input and output planes of the built shape.</summary>
    protected ConvolutionGeometry Geometry { get; private set; }

    public sealed override string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}(kernel={KernelHeight}x{KernelWidth}, stride={StrideHeight}x{StrideWidth})");

    protected sealed override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[1] < KernelHeight || inputShape[2] < KernelWidth)
        {
            throw new ArgumentException($"{Describe()} expects a CxHxW input at least as large as the kernel, got [{FormatShape(inputShape)}].", nameof(inputShape));
        }

        Geometry = new ConvolutionGeometry(inputShape[0], inputShape[1], inputShape[2], KernelHeight, KernelWidth, StrideHeight, StrideWidth, 0, 0);
        OnGeometryChanged();
        return [inputShape[0], Geometry.OutputHeight, Geometry.OutputWidth];
    }

    /// <summary>Drops scratch state sized for the previous shape.</summary>
    protected virtual void OnGeometryChanged()
    {
    }
}
