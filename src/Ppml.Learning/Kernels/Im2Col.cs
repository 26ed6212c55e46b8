using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ppml.Learning.Kernels;

/// <summary>
/// Unfolds one C×H×W image into the (C·kh·kw)×(OH·OW) patch matrix and folds gradients back. Rows are
/// copied as contiguous runs when the stride is 1. The runs are short (8 floats for LeNet's conv2), so they
/// are copied and added with inline vector code rather than span helpers whose per-call cost dominated.
/// </summary>
internal static class Im2Col
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(in ConvolutionGeometry g, ReadOnlySpan<float> image, Span<float> columns)
    {
        int oh = g.OutputHeight;
        int ow = g.OutputWidth;
        int area = oh * ow;
        for (int c = 0; c < g.Channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * g.InputArea, g.InputArea);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                for (int kj = 0; kj < g.KernelWidth; kj++)
                {
                    int row = (((c * g.KernelHeight) + ki) * g.KernelWidth) + kj;
                    Span<float> target = columns.Slice(row * area, area);
                    ValidRange(kj, g.PadWidth, g.StrideWidth, g.Width, ow, out int first, out int last);
                    for (int y = 0; y < oh; y++)
                    {
                        Span<float> outRow = target.Slice(y * ow, ow);
                        int iy = (y * g.StrideHeight) - g.PadHeight + ki;
                        if (iy < 0 || iy >= g.Height || first >= last)
                        {
                            outRow.Clear();
                            continue;
                        }

                        outRow[..first].Clear();
                        outRow[last..].Clear();
                        ReadOnlySpan<float> inRow = plane.Slice(iy * g.Width, g.Width);
                        int ix = (first * g.StrideWidth) - g.PadWidth + kj;
                        if (g.StrideWidth == 1)
                        {
                            Copy(ref MemoryMarshal.GetReference(inRow.Slice(ix, last - first)), ref outRow[first], last - first);
                        }
                        else
                        {
                            for (int x = first; x < last; x++, ix += g.StrideWidth)
                            {
                                outRow[x] = inRow[ix];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the patch-matrix gradient back into the image gradient (which the caller cleared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(in ConvolutionGeometry g, ReadOnlySpan<float> columns, Span<float> image)
    {
        int oh = g.OutputHeight;
        int ow = g.OutputWidth;
        int area = oh * ow;
        for (int c = 0; c < g.Channels; c++)
        {
            Span<float> plane = image.Slice(c * g.InputArea, g.InputArea);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                for (int kj = 0; kj < g.KernelWidth; kj++)
                {
                    int row = (((c * g.KernelHeight) + ki) * g.KernelWidth) + kj;
                    ReadOnlySpan<float> source = columns.Slice(row * area, area);
                    ValidRange(kj, g.PadWidth, g.StrideWidth, g.Width, ow, out int first, out int last);
                    if (first >= last)
                    {
                        continue;
                    }

                    for (int y = 0; y < oh; y++)
                    {
                        int iy = (y * g.StrideHeight) - g.PadHeight + ki;
                        if (iy < 0 || iy >= g.Height)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> colRow = source.Slice((y * ow) + first, last - first);
                        Span<float> inRow = plane.Slice(iy * g.Width, g.Width);
                        int ix = (first * g.StrideWidth) - g.PadWidth + kj;
                        if (g.StrideWidth == 1)
                        {
                            AddTo(ref MemoryMarshal.GetReference(colRow), ref inRow.Slice(ix, last - first)[0], colRow.Length);
                        }
                        else
                        {
                            for (int x = 0; x < colRow.Length; x++, ix += g.StrideWidth)
                            {
                                inRow[ix] += colRow[x];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>target[0..length) = source[0..length); the caller has bounds-checked both ranges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref float source, ref float target, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
        }
    }

    /// <summary>target[0..length) += source[0..length); the caller has bounds-checked both ranges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float source, ref float target, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref target, (nuint)i) + Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref target, i) += Unsafe.Add(ref source, i);
        }
    }

    /// <summary>Output columns [first, last) whose input column (x·stride − pad + kj) lies inside the image.</summary>
    private static void ValidRange(int kj, int pad, int stride, int width, int outputWidth, out int first, out int last)
    {
        // x·stride − pad + kj ≥ 0  ⇔  x ≥ ceil((pad − kj) / stride)
        int offset = kj - pad;
        first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        // x·stride + offset ≤ width − 1  ⇔  x ≤ floor((width − 1 − offset) / stride)
        int limit = width - 1 - offset;
        last = limit < 0 ? 0 : Math.Min(outputWidth, (limit / stride) + 1);
        first = Math.Min(first, last);
    }
}
