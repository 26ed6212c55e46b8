using System.Security.Cryptography;
using Ppml.Kms.Server.Security;

namespace Ppml.Kms.Server.Tests.Security;

public sealed class ApiKeysTests
{
    [Fact]
    public void TryParse_Generated_RoundTripsAndMatchesItsHash()
    {
        (string keyId, byte[] secret, string apiKey) = ApiKeys.Generate();

        Assert.True(ApiKeys.TryParse(apiKey, out string parsedId, out byte[] parsedSecret));
        Assert.Equal(keyId, parsedId);
        Assert.Equal(secret, parsedSecret);
        Assert.True(ApiKeys.Matches(parsedSecret, SHA256.HashData(secret)));
        Assert.False(ApiKeys.Matches(parsedSecret, new byte[32]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ppmlk")]
    [InlineData("ppmlk.abc.def")]
    [InlineData("other.000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ppmlk.000000000000.AAAA")]
    [InlineData("ppmlk.000000000000.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void TryParse_Malformed_ReturnsFalse(string apiKey)
    {
        Assert.False(ApiKeys.TryParse(apiKey, out _, out _));
    }
}
