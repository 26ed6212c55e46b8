using System.Security.Cryptography;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Kms.Server.Tests.Crypto;

public sealed class ShamirTests
{
    [Fact]
    public void Multiply_Tables_AgreeWithCarrylessReference()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                Assert.Equal(Shamir.MultiplyNoTable((byte)a, (byte)b), Shamir.Multiply((byte)a, (byte)b));
            }
        }

        // FIPS 197 §4.2: {57} • {83} = {c1}.
        Assert.Equal(0xC1, Shamir.Multiply(0x57, 0x83));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 5)]
    public void Combine_AnyThresholdSubset_RecoversSecret(int threshold, int shares)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        IReadOnlyList<(byte X, byte[] Y)> split = Shamir.Split(secret, threshold, shares);

        foreach (int[] subset in Subsets(shares, threshold))
        {
            Assert.Equal(secret, Shamir.Combine([.. subset.Select(i => split[i])]));
        }
    }

    [Fact]
    public void Combine_FewerThanThreshold_DoesNotRecoverSecret()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        IReadOnlyList<(byte X, byte[] Y)> split = Shamir.Split(secret, 3, 5);

        Assert.NotEqual(secret, Shamir.Combine([split[0], split[1]]));
    }

    [Fact]
    public void Combine_DuplicateOrMismatchedShares_Throws()
    {
        IReadOnlyList<(byte X, byte[] Y)> split = Shamir.Split(new byte[32], 2, 3);

        Assert.Throws<ArgumentException>(() => Shamir.Combine([split[0], split[0]]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([split[0], ((byte)9, new byte[31])]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([split[0]]));
    }

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        for (int mask = 0; mask < 1 << n; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) == k)
            {
                yield return [.. Enumerable.Range(0, n).Where(i => (mask & (1 << i)) != 0)];
            }
        }
    }
}
