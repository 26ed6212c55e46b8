using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>Max pooling over each channel (BigDL's SpatialMaxPooling, floor mode, no padding).</summary>
internal sealed class MaxPool2d : Pool2d
{
    private int[] _argmax = [];

    public MaxPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
        : base(kernelHeight, kernelWidth, strideHeight, strideWidth)
    {
    }

    protected override string Name => "MaxPool2d";

    public override void EnsureCapacity(int batch)
    {
        if (_argmax.Length < batch * OutputSize)
        {
            _argmax = new int[batch * OutputSize];
        }
    }

    public override void Forward(float[] input, float[] output, int batch, bool training)
    {
        EnsureCapacity(batch);
        BatchChunks.Run(batch, (_, first, count) => ForwardRange(input, output, first, count));
    }

    public override void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int batch)
    {
        if (inputGradient is null)
        {
            return;
        }

        int planes = Geometry.Channels;
        int inArea = Geometry.InputArea;
        int outArea = Geometry.OutputArea;
        BatchChunks.Run(batch, (_, first, count) =>
        {
            Array.Clear(inputGradient, first * InputSize, count * InputSize);
            for (int plane = first * planes; plane < (first + count) * planes; plane++)
            {
                int inBase = plane * inArea;
                int outBase = plane * outArea;
                for (int o = 0; o < outArea; o++)
                {
                    inputGradient[inBase + _argmax[outBase + o]] += outputGradient[outBase + o];
                }
            }
        });
    }

    private void ForwardRange(float[] input, float[] output, int first, int count)
    {
        ConvolutionGeometry g = Geometry;
        int oh = g.OutputHeight;
        int ow = g.OutputWidth;
        for (int plane = first * g.Channels; plane < (first + count) * g.Channels; plane++)
        {
            ReadOnlySpan<float> x = input.AsSpan(plane * g.InputArea, g.InputArea);
            Span<float> y = output.AsSpan(plane * g.OutputArea, g.OutputArea);
            Span<int> argmax = _argmax.AsSpan(plane * g.OutputArea, g.OutputArea);
            if (g.KernelHeight == 2 && g.KernelWidth == 2 && g.StrideHeight == 2 && g.StrideWidth == 2)
            {
                Forward2x2(x, y, argmax, g.Width, oh, ow);
                continue;
            }

            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int bestIndex = (i * g.StrideHeight * g.Width) + (j * g.StrideWidth);
                    float best = x[bestIndex];
                    for (int ki = 0; ki < g.KernelHeight; ki++)
                    {
                        int rowStart = (((i * g.StrideHeight) + ki) * g.Width) + (j * g.StrideWidth);
                        for (int kj = 0; kj < g.KernelWidth; kj++)
                        {
                            float value = x[rowStart + kj];
                            if (value > best || float.IsNaN(value))
                            {
                                best = value;
                                bestIndex = rowStart + kj;
                            }
                        }
                    }

                    y[(i * ow) + j] = best;
                    argmax[(i * ow) + j] = bestIndex;
                }
            }
        }
    }

    /// <summary>The common 2×2, stride 2 window (LeNet): four loads and three compares per output, no inner loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int width, int outputHeight, int outputWidth)
    {
        for (int i = 0; i < outputHeight; i++)
        {
            int top = 2 * i * width;
            int bottom = top + width;
            int outRow = i * outputWidth;
            int j = 0;
            if (Avx2.IsSupported)
            {
                for (; j <= outputWidth - 8; j += 8)
                {
                    Forward2x2Vector(x, y, argmax, top + (2 * j), width, outRow + j);
                }
            }

            for (; j < outputWidth; j++)
            {
                int index = top + (2 * j);
                float best = x[index];
                int bestIndex = index;
                float value = x[index + 1];
                if (value > best || float.IsNaN(value))
                {
                    best = value;
                    bestIndex = index + 1;
                }

                index = bottom + (2 * j);
                value = x[index];
                if (value > best || float.IsNaN(value))
                {
                    best = value;
                    bestIndex = index;
                }

                value = x[index + 1];
                if (value > best || float.IsNaN(value))
                {
                    best = value;
                    bestIndex = index + 1;
                }

                y[outRow + j] = best;
                argmax[outRow + j] = bestIndex;
            }
        }
    }

    /// <summary>
    /// Eight 2×2 windows at once: 16 floats of the top and bottom rows are split into even and odd columns
    /// (shuffle + cross-lane permute), then the four candidates are compared in the scalar path's order, with
    /// the same "strictly greater or NaN" rule, so both paths pick the same element.
    /// </summary>
    private static void Forward2x2Vector(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int topStart, int width, int outStart)
    {
        Vector256<int> index = Vector256.Create(topStart) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        Vector256<float> best = Even(x, topStart, out Vector256<float> topOdd);
        Vector256<int> bestIndex = index;
        Select(ref best, ref bestIndex, topOdd, index + Vector256<int>.One);
        Vector256<float> bottomEven = Even(x, topStart + width, out Vector256<float> bottomOdd);
        Vector256<int> bottomIndex = index + Vector256.Create(width);
        Select(ref best, ref bestIndex, bottomEven, bottomIndex);
        Select(ref best, ref bestIndex, bottomOdd, bottomIndex + Vector256<int>.One);
        best.CopyTo(y.Slice(outStart, 8));
        bestIndex.CopyTo(argmax.Slice(outStart, 8));
    }

    private static Vector256<float> Even(ReadOnlySpan<float> x, int start, out Vector256<float> odd)
    {
        Vector256<float> low = Vector256.Create(x.Slice(start, 8));
        Vector256<float> high = Vector256.Create(x.Slice(start + 8, 8));
        // Per 128-bit lane the shuffles give [l0 l2 h0 h2 | l4 l6 h4 h6]; the permute restores column order.
        odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0xDD).AsDouble(), 0xD8).AsSingle();
        return Avx2.Permute4x64(Avx.Shuffle(low, high, 0x88).AsDouble(), 0xD8).AsSingle();
    }

    private static void Select(ref Vector256<float> best, ref Vector256<int> bestIndex, Vector256<float> candidate, Vector256<int> candidateIndex)
    {
        Vector256<float> take = Vector256.GreaterThan(candidate, best) | ~Vector256.Equals(candidate, candidate);
        best = Vector256.ConditionalSelect(take, candidate, best);
        bestIndex = Vector256.ConditionalSelect(take.AsInt32(), candidateIndex, bestIndex);
    }

    protected override void OnGeometryChanged() => _argmax = [];
}
