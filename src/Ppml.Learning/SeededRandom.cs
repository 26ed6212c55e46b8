namespace Ppml.Learning;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast, reproducible PRNG for initialization, shuffling and
/// dropout. Not for security. The same seed gives the same stream on every platform.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private float _spareGaussian;
    private bool _hasSpareGaussian;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The generator's complete state (for checkpoints): the four xoshiro words and the cached Gaussian.</summary>
    internal (ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareGaussian, float SpareGaussian) State =>
        (_s0, _s1, _s2, _s3, _hasSpareGaussian, _spareGaussian);

    /// <summary>A generator that continues exactly where the one whose <see cref="State"/> this is stopped.</summary>
    internal static SeededRandom FromState((ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareGaussian, float SpareGaussian) state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            // xoshiro's one forbidden state: it would return zeros forever.
            throw new ArgumentException("The all-zero state is not a valid xoshiro256** state.", nameof(state));
        }

        return new SeededRandom(0)
        {
            _s0 = state.S0,
            _s1 = state.S1,
            _s2 = state.S2,
            _s3 = state.S3,
            _hasSpareGaussian = state.HasSpareGaussian,
            _spareGaussian = state.SpareGaussian,
        };
    }

    /// <summary>An independent stream derived from this generator's seed material and <paramref name="stream"/>.</summary>
    public SeededRandom Fork(ulong stream) => new(NextUInt64() ^ (stream * 0x9E3779B97F4A7C15UL));

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [low, high).</summary>
    public float NextSingle(float low, float high) => low + ((high - low) * NextSingle());

    /// <summary>Uniform integer in [0, maxExclusive), unbiased (Lemire's method with rejection).</summary>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong range = (ulong)maxExclusive;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            UInt128 product = (UInt128)NextUInt64() * range;
            if ((ulong)product >= threshold)
            {
                return (int)(ulong)(product >> 64);
            }
        }
    }

    /// <summary>Standard normal (Box–Muller, spare value cached).</summary>
    public float NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }

        double u1 = 1.0 - ((NextUInt64() >> 11) * (1.0 / (1UL << 53)));
        double u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        _spareGaussian = (float)(radius * Math.Sin(angle));
        _hasSpareGaussian = true;
        return (float)(radius * Math.Cos(angle));
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
