using Ppml.Learning.Kernels;

namespace Ppml.Learning.Tests.Kernels;

public sealed class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 6, 16, 1 },
        { 7, 17, 3 },
        { 5, 15, 257 },
        { 13, 33, 29 },
        { 100, 10, 192 },
        { 6, 576, 25 },
        { 150, 64, 12 },
        { 97, 131, 300 },
        { 1, 200, 513 },
        { 200, 1, 77 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_AllTransposeCombinations_MatchesNaiveReference(int m, int n, int k)
    {
        var random = new SeededRandom((ulong)((m * 1000003) + (n * 1009) + k));
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    foreach (GemmKernel kernel in new[] { GemmKernel.Auto, GemmKernel.Scalar })
                    {
                        CheckOne(random, transposeA, transposeB, m, n, k, accumulate, kernel, padding: 3);
                    }
                }
            }
        }
    }

    [Fact]
    public void Multiply_LargeParallel_MatchesNaiveAndSerialBitForBit()
    {
        var random = new SeededRandom(7);
        const int m = 203, n = 389, k = 517;
        float[] a = RandomArray(random, m * k);
        float[] b = RandomArray(random, k * n);
        float[] parallel = new float[m * n];
        float[] serial = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, parallel, n, accumulate: false, allowParallel: true);
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, serial, n, accumulate: false, allowParallel: false);
        Assert.Equal(serial, parallel);
        double[] expected = Naive(false, false, m, n, k, a, k, b, n);
        AssertClose(expected, parallel, k);
    }

    [Theory]
    [InlineData(1024, 1024, 2, 174, 256)]
    [InlineData(128, 100, 2, 48, 64)]
    [InlineData(100, 192, 2, 54, 64)]
    [InlineData(6, 576, 2, 6, 80)]
    [InlineData(5000, 3, 8, 162, 16)]
    public void Plan_SplitsIntoAlignedTilesOfUsefulSize(int m, int n, int threads, int expectedRows, int expectedColumns)
    {
        Gemm.Plan(m, n, threads, out int rowTile, out int columnTile);
        Assert.Equal((expectedRows, expectedColumns), (rowTile, columnTile));
        Assert.Equal(0, rowTile % Gemm.MR);
        Assert.Equal(0, columnTile % Gemm.NR);
    }

    [Fact]
    public void Multiply_ZeroK_ClearsOrKeepsOutput()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: true);
        Assert.Equal([1f, 2f, 3f, 4f], c);
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: false);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void Multiply_OperandTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 3, 3, 3, new float[8], 3, new float[9], 3, new float[9], 3, accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, 3, 3, 3, new float[9], 2, new float[9], 3, new float[9], 3, accumulate: false));
    }

    private static void CheckOne(SeededRandom random, bool transposeA, bool transposeB, int m, int n, int k, bool accumulate, GemmKernel kernel, int padding)
    {
        int lda = (transposeA ? m : k) + padding;
        int ldb = (transposeB ? k : n) + padding;
        int ldc = n + padding;
        float[] a = RandomArray(random, ((transposeA ? k : m) * lda));
        float[] b = RandomArray(random, ((transposeB ? n : k) * ldb));
        float[] c = RandomArray(random, m * ldc);
        float[] original = (float[])c.Clone();
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, allowParallel: true, kernel);
        double[] product = Naive(transposeA, transposeB, m, n, k, a, lda, b, ldb);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                float actual = c[(i * ldc) + j];
                if (j >= n)
                {
                    Assert.Equal(original[(i * ldc) + j], actual);
                    continue;
                }

                double expected = product[(i * n) + j] + (accumulate ? original[(i * ldc) + j] : 0.0);
                double tolerance = 1e-5 * (k + 1) * 4;
                Assert.True(
                    Math.Abs(expected - actual) <= tolerance,
                    $"tA={transposeA} tB={transposeB} acc={accumulate} {kernel} {m}x{n}x{k} at ({i},{j}): expected {expected}, got {actual}");
            }
        }
    }

    internal static double[] Naive(bool transposeA, bool transposeB, int m, int n, int k, float[] a, int lda, float[] b, int ldb)
    {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += (double)av * bv;
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    internal static float[] RandomArray(SeededRandom random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle(-1f, 1f);
        }

        return values;
    }

    private static void AssertClose(double[] expected, float[] actual, int k)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 4e-5 * (k + 1), $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
