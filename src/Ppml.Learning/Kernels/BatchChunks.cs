namespace Ppml.Learning.Kernels;

/// <summary>
/// Splits a batch into fixed-size chunks of samples and runs them on the thread pool. The chunk size is a
/// constant, not a function of the core count, so per-chunk partial sums (weight gradients) are reduced in the
/// same order on every machine: training is bit-reproducible for a seed whatever the parallelism.
/// </summary>
internal static class BatchChunks
{
    /// <summary>Samples per chunk: 128-sample batches make 8 chunks, enough to balance 2–8 cores.</summary>
    public const int ChunkSize = 16;

    public static int Count(int batch) => (batch + ChunkSize - 1) / ChunkSize;

    /// <summary>Runs <paramref name="body"/>(chunk, firstSample, sampleCount) for every chunk.</summary>
    public static void Run(int batch, Action<int, int, int> body, bool parallel = true)
    {
        int chunks = Count(batch);
        if (!parallel || chunks == 1 || Environment.ProcessorCount == 1)
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                int first = chunk * ChunkSize;
                body(chunk, first, Math.Min(ChunkSize, batch - first));
            }

            return;
        }

        Parallel.For(0, chunks, chunk =>
        {
            int first = chunk * ChunkSize;
            body(chunk, first, Math.Min(ChunkSize, batch - first));
        });
    }
}
