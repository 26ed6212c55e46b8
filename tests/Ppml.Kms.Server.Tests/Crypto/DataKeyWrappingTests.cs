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
        Assert.Equal(3, wrapped[0]);
        Assert.Equal(dataKey, DataKeyWrapping.Unwrap(primary, "k", 3, wrapped));
    }

    [Fact]
    public void Unwrap_Format2KeyWrappedByShippedServer_ReturnsDataKey()
    {
        // tests/Ppml.Crypto.Tests/TestData/aead/legacy-vectors.json (format 2, "orders" version 7), written by a copy of
        // the shipped DataKeyWrapping.Wrap (TestData/aead/generate-legacy.cs).
        byte[] primary = Convert.FromHexString("580da19374deaf43aa46193b93ab3cb03ee7ee85101af0d32967d85047cd6a88");
        byte[] wrapped = Convert.FromHexString(
            "028d770ad8393ff7053bce8561be90994b54a42ed29019f7d078e2f8bae30c58e7d0aeb43d2f7ecc078faa6647ed64b1b7bfba03b57d53c69dc30e6586");

        byte[] dataKey = DataKeyWrapping.Unwrap(primary, "orders", 7, wrapped);

        Assert.Equal(Convert.FromHexString("ceb3b4deef75c1795682640a6c6fd6e3035b451b1f906cfb1cb2d34cf25e05bd"), dataKey);
        Assert.Equal(KmsErrorCode.UnwrapFailed, Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "orders", 6, wrapped)).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(80)]
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
        for (int length = 0; length < wrapped.Length; length++)
        {
            KmsException truncated = Assert.Throws<KmsException>(() => DataKeyWrapping.Unwrap(primary, "k", 1, wrapped.AsSpan(0, length)));
            Assert.Equal(KmsErrorCode.UnwrapFailed, truncated.Code);
        }
    }
}
