using Ppml.Learning.Kernels;

namespace Ppml.Learning.Layers;

/// <summary>A parameter-free element-wise layer: output shape = input shape.</summary>
internal abstract class Activation : Layer
{
    /// <summary>Below this many elements a fork/join costs more than the work.</summary>
    private const int ParallelThreshold = 1 << 15;

    protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <summary>Runs <paramref name="body"/>(start, length) over element ranges of whole samples, in parallel when large.</summary>
    protected void ForEachRange(int batch, Action<int, int> body)
    {
        int size = InputSize;
        if ((long)batch * size < ParallelThreshold)
        {
            body(0, batch * size);
            return;
        }

        BatchChunks.Run(batch, (_, first, count) => body(first * size, count * size));
    }
}
