using Ppml.Data.Tpch.Generation;

namespace Ppml.Data.Tpch.Tests;

public sealed class DbgenRandomTests
{
    [Fact]
    public void Next_FromSeedOne_FollowsTheMinimalStandardSequence()
    {
        // Park & Miller, CACM 31(10) 1988: from seed 1 the sequence starts 16807, 282475249, 1622650073,
        // and the 10,000th value is 1043618065.
        long seed = 1;
        long[] first = new long[3];
        for (int i = 1; i <= 10_000; i++)
        {
            seed = DbgenRandom.Next(seed);
            if (i <= 3)
            {
                first[i - 1] = seed;
            }
        }

        Assert.Equal([16807L, 282475249L, 1622650073L], first);
        Assert.Equal(1043618065L, seed);
    }

    [Theory]
    [InlineData(1L, 0L)]
    [InlineData(1L, 1L)]
    [InlineData(933588178L, 16L)]
    [InlineData(933588178L, 17L)]
    [InlineData(2147483646L, 12_345L)]
    [InlineData(46831694L, 1_000_003L)]
    public void Advance_AnyStepCount_EqualsRepeatedNext(long seed, long steps)
    {
        long expected = seed;
        for (long i = 0; i < steps; i++)
        {
            expected = DbgenRandom.Next(expected);
        }

        Assert.Equal(expected, DbgenRandom.Advance(seed, steps));
    }

    [Fact]
    public void RowFinished_AfterPartialUse_SkipsToTheRowBudget()
    {
        var stepped = new DbgenRandom(709314158, 7);
        var jumped = new DbgenRandom(709314158, 7);

        stepped.NextInt(1, 50);
        stepped.NextInt(1, 50);
        stepped.RowFinished();
        stepped.NextInt(1, 50);
        stepped.RowFinished();
        jumped.AdvanceRows(2);

        Assert.Equal(jumped.Seed, stepped.Seed);
        Assert.Equal(DbgenRandom.Advance(709314158, 14), jumped.Seed);
    }

    [Fact]
    public void NextInt_Bounds_StaysInRangeAndCoversIt()
    {
        var random = new DbgenRandom(1, 1);
        var seen = new HashSet<int>();
        for (int i = 0; i < 10_000; i++)
        {
            int value = random.NextInt(-3, 4);
            Assert.InRange(value, -3, 4);
            seen.Add(value);
        }

        Assert.Equal(8, seen.Count);
    }

    [Fact]
    public void NextAlphaNumericBits_WrappedRange_IsNotPositive()
    {
        // dbgen's UnifInt takes a 32-bit path for [0, MAX_LONG], where the range wraps to -2^31.
        var random = new DbgenRandom(881155353, 9);
        for (int i = 0; i < 1000; i++)
        {
            Assert.InRange(random.NextAlphaNumericBits(), -2147483647L, 0L);
        }
    }
}
