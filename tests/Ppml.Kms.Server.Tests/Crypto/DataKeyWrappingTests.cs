using System.Security.Cryptography;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Kms.Server.Tests.Crypto;

public sealed class DataKeyWrappingTests
{
    [Fact]
    public void Unwrap_Wrapped_RoundTrips()
    {
        byte[] primary = RandomNumberGenerator.GetBytes(32);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = DataKeyWrapping.Wrap(primary, "k", 3, dataKey);

        Assert.Equal(DataKeyWrapping.WrappedSize, wrapped.Length);
        Assert.Equal(dataKey, DataKeyWrapping.Unwrap(primary, "k", 3, wrapped));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(60)]
    public void Unwrap_FlippedBit_FailsWithUnwrapFailed(int offset)
    {
        byte[] primary = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = DataKeyWrapping.Wrap(primary, "k", 1, new byte[32]);
        wrapped[offset] ^= 0x10;

        KmsException failure = Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "k", 1, wrapped));

        Assert.Equal(KmsErrorCode.UnwrapFailed, failure.Code);
    }

    [Fact]
    public void Unwrap_OtherNameVersionOrTruncated_Fails()
    {
        byte[] primary = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = DataKeyWrapping.Wrap(primary, "k", 1, new byte[32]);

        Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "j", 1, wrapped));
        Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "k", 2, wrapped));
        Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "k", 1, wrapped.AsSpan(0, 60)));
        Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "k", 1, []));
    }
}
