namespace Ppml.Learning.Layers;

/// <summary>How a weight tensor is drawn at model creation.</summary>
internal enum InitializerKind
{
    /// <summary>U(−1/√fanIn, 1/√fanIn): BigDL's and Torch's default for Linear and SpatialConvolution.</summary>
    TorchUniform,

    /// <summary>Glorot/Xavier uniform: U(−√(6/(fanIn+fanOut)), +…).</summary>
    XavierUniform,

    /// <summary>He/Kaiming normal: N(0, 2/fanIn), for ReLU networks.</summary>
    HeNormal,

    /// <summary>All zeros.</summary>
    Zeros,
}

internal static class Initializer
{
    public static void Fill(Span<float> values, InitializerKind kind, int fanIn, int fanOut, SeededRandom random)
    {
        switch (kind)
        {
            case InitializerKind.TorchUniform:
                Uniform(values, 1f / MathF.Sqrt(fanIn), random);
                break;
            case InitializerKind.XavierUniform:
                Uniform(values, MathF.Sqrt(6f / (fanIn + fanOut)), random);
                break;
            case InitializerKind.HeNormal:
                float std = MathF.Sqrt(2f / fanIn);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = random.NextGaussian() * std;
                }

                break;
            case InitializerKind.Zeros:
                values.Clear();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown initializer.");
        }
    }

    private static void Uniform(Span<float> values, float bound, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle(-bound, bound);
        }
    }
}
