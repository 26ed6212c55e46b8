using System.Security.Cryptography;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Kms.Server.Tests.Crypto;

public sealed class ShamirTests
{
    [Fact]
    public void Multiply_AgreesWithTheTextbookShiftAndAddEverywhere()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                Assert.Equal(TextbookMultiply((byte)a, (byte)b), Shamir.Multiply((byte)a, (byte)b));
            }
        }
    }

    [Theory]
    [InlineData(0x57, 0x83, 0xC1)] // FIPS 197 §4.2
    [InlineData(0x57, 0x13, 0xFE)] // FIPS 197 §4.2.1
    [InlineData(0x57, 0x02, 0xAE)] // FIPS 197 §4.2.1, xtime
    [InlineData(0x00, 0xFF, 0x00)]
    [InlineData(0x01, 0xA5, 0xA5)]
    public void Multiply_KnownAnswers(int a, int b, int product) =>
        Assert.Equal((byte)product, Shamir.Multiply((byte)a, (byte)b));

    [Theory]
    [InlineData(0x53, 0xCA)] // the AES S-box's example inverse (FIPS 197 §5.1.1)
    [InlineData(0x01, 0x01)]
    [InlineData(0x02, 0x8D)]
    [InlineData(0x00, 0x00)]
    public void Inverse_KnownAnswers(int a, int inverse) =>
        Assert.Equal((byte)inverse, Shamir.Inverse((byte)a));

    [Fact]
    public void Inverse_TimesItself_IsOneForEveryNonZeroElement()
    {
        for (int a = 1; a < 256; a++)
        {
            Assert.Equal(1, Shamir.Multiply((byte)a, Shamir.Inverse((byte)a)));
        }
    }

    [Fact]
    public void Combine_KnownShares_RecoverTheKnownSecret()
    {
        // f(x) = 0x42 + 0x17·x (threshold 2): f(1) = 0x55, f(2) = 0x42 ^ 0x2E = 0x6C, f(3) = 0x42 ^ 0x39 = 0x7B.
        Assert.Equal([(byte)0x42], Shamir.Combine([((byte)1, [(byte)0x55]), ((byte)2, [(byte)0x6C])]));
        Assert.Equal([(byte)0x42], Shamir.Combine([((byte)2, [(byte)0x6C]), ((byte)3, [(byte)0x7B])]));
    }

    [Fact]
    public void Source_HasNoLookupTablesAndNoBranchOnSecretBits()
    {
        string source = System.IO.File.ReadAllText(Path.Combine(Ppml.Testing.SharedData.RepositoryRoot, "src", "Ppml.Kms.Server", "Crypto", "Shamir.cs"));

        Assert.DoesNotContain("s_exp", source, StringComparison.Ordinal);
        Assert.DoesNotContain("s_log", source, StringComparison.Ordinal);
        Assert.DoesNotContain("& (1 << bit)) != 0", source, StringComparison.Ordinal);
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

    /// <summary>The textbook (branching) shift-and-add with reduction by x^8+x^4+x^3+x+1: the reference, not for secrets.</summary>
    private static byte TextbookMultiply(byte a, byte b)
    {
        int product = 0;
        int x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            if (((b >> bit) & 1) == 1)
            {
                product ^= x;
            }

            x <<= 1;
            if (x > 0xFF)
            {
                x ^= 0x11B;
            }
        }

        return (byte)product;
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
