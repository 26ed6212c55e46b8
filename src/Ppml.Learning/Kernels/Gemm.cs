using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ppml.Learning.Kernels;

/// <summary>Which micro-kernel <see cref="Gemm"/> uses; <see cref="Auto"/> picks the fastest the CPU supports.</summary>
internal enum GemmKernel
{
    Auto,
    Scalar,
}

/// <summary>
/// Single-precision matrix multiply, row-major: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>, with
/// <c>op(A)</c> of shape M×K and <c>op(B)</c> of shape K×N.
/// </summary>
/// <remarks>
/// The BLIS/GotoBLAS structure: for each K slice of <see cref="KC"/> the slice of A is packed into row panels of
/// <see cref="MR"/> and the slice of B into column panels of <see cref="NR"/> (zero padded, so the micro-kernel
/// never branches on edges), then a 6×16 micro-kernel holds the C tile in twelve Vector256 accumulators and
/// performs one broadcast and two FMAs per row per k. In parallel, C is cut into independent tiles (about four
/// per thread) that each run the whole loop nest with their own packing buffers, so threads never wait at a
/// barrier. K is never split, so every element of C is summed in the same order whatever the thread count, and
/// results are bit-identical between 1 and N threads.
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>Rows of the micro-tile.</summary>
    internal const int MR = 6;

    /// <summary>Columns of the micro-tile: two Vector256&lt;float&gt;.</summary>
    internal const int NR = 16;

    /// <summary>K slice: a 16-column B micro-panel of 256 rows is 16 KiB and stays in L1.</summary>
    internal const int KC = 256;

    /// <summary>Rows per packed A block: a 96×256 block is 96 KiB and stays in L2 while the tile walks its columns.</summary>
    internal const int MC = 96;

    /// <summary>Below this many FLOPs the fork/join costs more than it saves.</summary>
    internal const long ParallelThresholdFlops = 1L << 21;

    /// <summary>Multiplies with the default kernel and threading.</summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        bool accumulate, bool allowParallel = true) =>
        Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, allowParallel, GemmKernel.Auto);

    /// <summary>
    /// <c>C[i*ldc+j] (+)= Σp op(A)(i,p)·op(B)(p,j)</c>, where <c>op(A)(i,p)</c> is <c>A[i*lda+p]</c>, or
    /// <c>A[p*lda+i]</c> when <paramref name="transposeA"/>; likewise for B.
    /// </summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        bool accumulate, bool allowParallel, GemmKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (m == 0 || n == 0)
        {
            return;
        }

        CheckOperand(a, transposeA ? k : m, transposeA ? m : k, lda, nameof(a));
        CheckOperand(b, transposeB ? n : k, transposeB ? k : n, ldb, nameof(b));
        CheckOperand(c, m, n, ldc, nameof(c));
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    c.Slice(i * ldc, n).Clear();
                }
            }

            return;
        }

        bool vectorized = kernel == GemmKernel.Auto && Vector256.IsHardwareAccelerated;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var job = new Job
            {
                A = pa,
                B = pb,
                C = pc,
                Lda = lda,
                Ldb = ldb,
                Ldc = ldc,
                M = m,
                N = n,
                K = k,
                TransposeA = transposeA,
                TransposeB = transposeB,
                Accumulate = accumulate,
                Vectorized = vectorized,
            };
            bool parallel = allowParallel && Environment.ProcessorCount > 1 && 2L * m * n * k >= ParallelThresholdFlops;
            if (!parallel)
            {
                RunTile(in job, 0, m, 0, n);
                return;
            }

            Plan(m, n, Environment.ProcessorCount, out job.RowTile, out job.ColumnTile);
            job.ColumnTiles = (n + job.ColumnTile - 1) / job.ColumnTile;
            int tiles = ((m + job.RowTile - 1) / job.RowTile) * job.ColumnTiles;
            if (tiles == 1)
            {
                RunTile(in job, 0, m, 0, n);
                return;
            }

            Job captured = job;
            Parallel.For(0, tiles, tile => RunTask(in captured, tile));
        }
    }

    /// <summary>
    /// Splits C into tiles for the thread pool: about four per thread, none thinner than 48 rows or 64
    /// columns, so the packing each tile repeats (its A rows once per tile, its B columns once per tile)
    /// stays a few percent of its arithmetic.
    /// </summary>
    internal static void Plan(int m, int n, int threads, out int rowTile, out int columnTile)
    {
        int target = 4 * threads;
        int rowPanels = (m + MR - 1) / MR;
        int columnPanels = (n + NR - 1) / NR;
        int rowSplits = Math.Clamp((m + 191) / 192, 1, rowPanels);
        int columnSplits = Math.Clamp((n + 255) / 256, 1, columnPanels);
        while (rowSplits * columnSplits < target)
        {
            bool canSplitRows = rowSplits < rowPanels && CeilingDivide(rowPanels, rowSplits + 1) * MR >= 48;
            bool canSplitColumns = columnSplits < columnPanels && CeilingDivide(columnPanels, columnSplits + 1) * NR >= 64;
            if (!canSplitRows && !canSplitColumns)
            {
                break;
            }

            if (canSplitRows && (!canSplitColumns || (double)m / rowSplits / 48 >= (double)n / columnSplits / 64))
            {
                rowSplits++;
            }
            else
            {
                columnSplits++;
            }
        }

        rowTile = CeilingDivide(rowPanels, rowSplits) * MR;
        columnTile = CeilingDivide(columnPanels, columnSplits) * NR;
    }

    private static int CeilingDivide(int value, int divisor) => (value + divisor - 1) / divisor;

    private static void CheckOperand(ReadOnlySpan<float> span, int rows, int columns, int leadingDimension, string name)
    {
        if (leadingDimension < columns)
        {
            throw new ArgumentOutOfRangeException(name, $"Leading dimension {leadingDimension} is smaller than the {columns} columns.");
        }

        if (rows > 0 && columns > 0 && ((long)(rows - 1) * leadingDimension) + columns > span.Length)
        {
            throw new ArgumentException($"A {rows}x{columns} operand with leading dimension {leadingDimension} needs more than the {span.Length} elements given.", name);
        }
    }

    private static void RunTask(in Job job, int tile)
    {
        int rowTile = tile / job.ColumnTiles;
        int columnTile = tile - (rowTile * job.ColumnTiles);
        int rowStart = rowTile * job.RowTile;
        int columnStart = columnTile * job.ColumnTile;
        RunTile(in job, rowStart, Math.Min(job.M, rowStart + job.RowTile), columnStart, Math.Min(job.N, columnStart + job.ColumnTile));
    }

    /// <summary>
    /// Computes C[rowStart..rowEnd, columnStart..columnEnd] over the whole K range with its own packing buffers:
    /// for each K slice, pack B's columns once, then for each MC block of rows pack A and sweep the micro-tiles.
    /// Tiles share nothing, so threads never wait for each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile(in Job job, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int maxKc = Math.Min(job.K, KC);
        int width = columnEnd - columnStart;
        int blockRows = Math.Min(CeilingDivide(rowEnd - rowStart, MR) * MR, MC);
        float[] packedA = ArrayPool<float>.Shared.Rent(blockRows * maxKc);
        float[] packedB = ArrayPool<float>.Shared.Rent(CeilingDivide(width, NR) * NR * maxKc);
        try
        {
            fixed (float* pap = packedA)
            fixed (float* pbp = packedB)
            {
                for (int p0 = 0; p0 < job.K; p0 += KC)
                {
                    int kc = Math.Min(KC, job.K - p0);
                    bool accumulate = job.Accumulate || p0 > 0;
                    PackB(job.TransposeB, job.B, job.Ldb, columnStart, columnEnd, p0, kc, pbp);
                    for (int i0 = rowStart; i0 < rowEnd; i0 += MC)
                    {
                        int i1 = Math.Min(rowEnd, i0 + MC);
                        PackA(job.TransposeA, job.A, job.Lda, i0, i1, p0, kc, pap);
                        Sweep(in job, kc, pap, pbp, i0, i1, columnStart, columnEnd, accumulate);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedA);
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    /// <summary>Packs op(A)[start..end, p0..p0+kc] into panels of MR rows (panel[p*MR + r], zero padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transpose, float* a, int lda, int start, int end, int p0, int kc, float* packed)
    {
        for (int i0 = start; i0 < end; i0 += MR)
        {
            int rows = Math.Min(MR, end - i0);
            float* panel = packed + ((long)(i0 - start) * kc);
            if (transpose)
            {
                // op(A)(i,p) = A[p*lda + i]: each k row of the panel is contiguous in A.
                for (int p = 0; p < kc; p++)
                {
                    float* source = a + ((long)(p0 + p) * lda) + i0;
                    float* target = panel + (p * MR);
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        target[r] = source[r];
                    }

                    for (; r < MR; r++)
                    {
                        target[r] = 0f;
                    }
                }
            }
            else
            {
                for (int r = 0; r < MR; r++)
                {
                    float* target = panel + r;
                    if (r < rows)
                    {
                        float* source = a + ((long)(i0 + r) * lda) + p0;
                        for (int p = 0; p < kc; p++)
                        {
                            target[p * MR] = source[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            target[p * MR] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, start..end] into panels of NR columns (panel[p*NR + c], zero padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool transpose, float* b, int ldb, int start, int end, int p0, int kc, float* packed)
    {
        for (int j0 = start; j0 < end; j0 += NR)
        {
            int columns = Math.Min(NR, end - j0);
            float* panel = packed + ((long)(j0 - start) * kc);
            if (transpose && columns == NR && Avx.IsSupported)
            {
                // op(B)(p,j) = B[j*ldb + p]: transpose 8×8 blocks in registers instead of 64 strided stores.
                PackTransposedFullPanel(b + ((long)j0 * ldb) + p0, ldb, kc, panel);
            }
            else if (transpose)
            {
                // op(B)(p,j) = B[j*ldb + p]: each column of the panel is contiguous in B.
                for (int col = 0; col < NR; col++)
                {
                    float* target = panel + col;
                    if (col < columns)
                    {
                        float* source = b + ((long)(j0 + col) * ldb) + p0;
                        for (int p = 0; p < kc; p++)
                        {
                            target[p * NR] = source[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            target[p * NR] = 0f;
                        }
                    }
                }
            }
            else if (columns == NR && Vector256.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* source = b + ((long)(p0 + p) * ldb) + j0;
                    float* target = panel + (p * NR);
                    Vector256.Store(Vector256.Load(source), target);
                    Vector256.Store(Vector256.Load(source + 8), target + 8);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* source = b + ((long)(p0 + p) * ldb) + j0;
                    float* target = panel + (p * NR);
                    int col = 0;
                    for (; col < columns; col++)
                    {
                        target[col] = source[col];
                    }

                    for (; col < NR; col++)
                    {
                        target[col] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs a full 16-column panel of a transposed B: <c>panel[p*16 + c] = source[c*ldb + p]</c>. Blocks of 8
    /// columns × 8 k are loaded as eight rows and transposed with the classic unpack/shuffle/permute sequence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedFullPanel(float* source, int ldb, int kc, float* panel)
    {
        for (int group = 0; group < NR; group += 8)
        {
            float* rows = source + ((long)group * ldb);
            int p = 0;
            for (; p <= kc - 8; p += 8)
            {
                Vector256<float> r0 = Avx.LoadVector256(rows + p);
                Vector256<float> r1 = Avx.LoadVector256(rows + ldb + p);
                Vector256<float> r2 = Avx.LoadVector256(rows + (2L * ldb) + p);
                Vector256<float> r3 = Avx.LoadVector256(rows + (3L * ldb) + p);
                Vector256<float> r4 = Avx.LoadVector256(rows + (4L * ldb) + p);
                Vector256<float> r5 = Avx.LoadVector256(rows + (5L * ldb) + p);
                Vector256<float> r6 = Avx.LoadVector256(rows + (6L * ldb) + p);
                Vector256<float> r7 = Avx.LoadVector256(rows + (7L * ldb) + p);

                Vector256<float> t0 = Avx.UnpackLow(r0, r1);
                Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
                Vector256<float> t2 = Avx.UnpackLow(r2, r3);
                Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
                Vector256<float> t4 = Avx.UnpackLow(r4, r5);
                Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
                Vector256<float> t6 = Avx.UnpackLow(r6, r7);
                Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

                Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
                Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
                Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
                Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
                Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
                Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

                float* target = panel + (p * NR) + group;
                Avx.Store(target, Avx.Permute2x128(s0, s4, 0x20));
                Avx.Store(target + NR, Avx.Permute2x128(s1, s5, 0x20));
                Avx.Store(target + (2 * NR), Avx.Permute2x128(s2, s6, 0x20));
                Avx.Store(target + (3 * NR), Avx.Permute2x128(s3, s7, 0x20));
                Avx.Store(target + (4 * NR), Avx.Permute2x128(s0, s4, 0x31));
                Avx.Store(target + (5 * NR), Avx.Permute2x128(s1, s5, 0x31));
                Avx.Store(target + (6 * NR), Avx.Permute2x128(s2, s6, 0x31));
                Avx.Store(target + (7 * NR), Avx.Permute2x128(s3, s7, 0x31));
            }

            for (; p < kc; p++)
            {
                float* target = panel + (p * NR) + group;
                for (int col = 0; col < 8; col++)
                {
                    target[col] = rows[((long)col * ldb) + p];
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over every MR×NR tile of C[i0..i1, j0..j1] from packed panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep(in Job job, int kc, float* packedA, float* packedB, int i0, int i1, int j0, int j1, bool accumulate)
    {
        float* tile = stackalloc float[MR * NR];
        for (int j = j0; j < j1; j += NR)
        {
            float* bPanel = packedB + ((long)(j - j0) * kc);
            int columns = Math.Min(NR, j1 - j);
            for (int i = i0; i < i1; i += MR)
            {
                float* aPanel = packedA + ((long)(i - i0) * kc);
                int rows = Math.Min(MR, i1 - i);
                float* c = job.C + ((long)i * job.Ldc) + j;
                if (rows == MR && columns == NR)
                {
                    if (job.Vectorized)
                    {
                        Kernel6x16(kc, aPanel, bPanel, c, job.Ldc, accumulate);
                    }
                    else
                    {
                        KernelScalar(kc, aPanel, bPanel, c, job.Ldc, accumulate, MR, NR);
                    }

                    continue;
                }

                // Edge tile: compute the full (zero padded) tile aside, then copy its valid part.
                if (job.Vectorized)
                {
                    Kernel6x16(kc, aPanel, bPanel, tile, NR, accumulate: false);
                }
                else
                {
                    KernelScalar(kc, aPanel, bPanel, tile, NR, accumulate: false, MR, NR);
                }

                for (int r = 0; r < rows; r++)
                {
                    float* target = c + ((long)r * job.Ldc);
                    float* source = tile + (r * NR);
                    for (int col = 0; col < columns; col++)
                    {
                        target[col] = accumulate ? target[col] + source[col] : source[col];
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = MultiplyAdd(a0, b0, c00);
            c01 = MultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = MultiplyAdd(a1, b0, c10);
            c11 = MultiplyAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = MultiplyAdd(a2, b0, c20);
            c21 = MultiplyAdd(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = MultiplyAdd(a3, b0, c30);
            c31 = MultiplyAdd(a3, b1, c31);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c40 = MultiplyAdd(a4, b0, c40);
            c41 = MultiplyAdd(a4, b1, c41);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c50 = MultiplyAdd(a5, b0, c50);
            c51 = MultiplyAdd(a5, b1, c51);
            a += MR;
            b += NR;
        }

        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + ldc, c10, c11, accumulate);
        StoreRow(c + (2L * ldc), c20, c21, accumulate);
        StoreRow(c + (3L * ldc), c30, c31, accumulate);
        StoreRow(c + (4L * ldc), c40, c41, accumulate);
        StoreRow(c + (5L * ldc), c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> low, Vector256<float> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 8);
        }

        Vector256.Store(low, c);
        Vector256.Store(high, c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool accumulate, int rows, int columns)
    {
        float* sums = stackalloc float[MR * NR];
        new Span<float>(sums, MR * NR).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < MR; r++)
            {
                float av = a[r];
                float* row = sums + (r * NR);
                for (int col = 0; col < NR; col++)
                {
                    row[col] += av * b[col];
                }
            }

            a += MR;
            b += NR;
        }

        for (int r = 0; r < rows; r++)
        {
            float* target = c + ((long)r * ldc);
            for (int col = 0; col < columns; col++)
            {
                target[col] = accumulate ? target[col] + sums[(r * NR) + col] : sums[(r * NR) + col];
            }
        }
    }

    /// <summary>
    /// What every tile of one multiplication shares (read-only once tiles start); pointers stay valid while
    /// <see cref="Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool, bool, GemmKernel)"/>
    /// pins the operands. A struct, so the serial path allocates nothing.
    /// </summary>
    private struct Job
    {
        public float* A;
        public float* B;
        public float* C;
        public int Lda;
        public int Ldb;
        public int Ldc;
        public int M;
        public int N;
        public int K;
        public int RowTile;
        public int ColumnTile;
        public int ColumnTiles;
        public bool TransposeA;
        public bool TransposeB;
        public bool Accumulate;
        public bool Vectorized;
    }
}
