using System.Security.Cryptography;
using System.Text.Json;
using Ppml.Kms.Release;

namespace Ppml.Kms.Tests.Release;

public sealed class KeyReleaseTests
{
    [Fact]
    public void Open_Sealed_ReturnsDataKey()
    {
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        ReleasedDataKey released = KeyRelease.Seal(RuntimeKey.FromKey(runtime), dataKey, "k", 2);

        Assert.Equal(dataKey, KeyRelease.Open(runtime, released, "k", 2));
        Assert.DoesNotContain(Convert.ToHexString(dataKey), Convert.ToHexString(released.Ciphertext), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("nonce")]
    [InlineData("ephemeral")]
    [InlineData("name")]
    [InlineData("version")]
    public void Open_TamperedOrRebound_ThrowsUnwrapFailed(string what)
    {
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ReleasedDataKey released = KeyRelease.Seal(RuntimeKey.FromKey(runtime), new byte[32], "k", 1);
        string name = "k";
        int version = 1;
        switch (what)
        {
            case "ciphertext": released.Ciphertext[0] ^= 1; break;
            case "tag": released.Ciphertext[^1] ^= 1; break;
            case "nonce": released.Nonce[0] ^= 1; break;
            case "ephemeral": released.EphemeralPublicKey[^1] ^= 1; break;
            case "name": name = "j"; break;
            default: version = 2; break;
        }

        KmsException failure = Assert.Throws<KmsException>(() => KeyRelease.Open(runtime, released, name, version));

        Assert.Equal(KmsErrorCode.UnwrapFailed, failure.Code);
    }

    [Fact]
    public void RuntimeKey_JwkAndSpki_HaveTheSameHashAndReportData()
    {
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters p = runtime.ExportParameters(false);
        using JsonDocument jwk = JsonDocument.Parse(
            $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{System.Buffers.Text.Base64Url.EncodeToString(p.Q.X)}\",\"y\":\"{System.Buffers.Text.Base64Url.EncodeToString(p.Q.Y)}\"}}");

        RuntimeKey fromJwk = RuntimeKey.FromJwk(jwk.RootElement);
        RuntimeKey fromSpki = RuntimeKey.FromSubjectPublicKeyInfo(runtime.ExportSubjectPublicKeyInfo());
        byte[] reportData = fromSpki.ToReportData();

        Assert.Equal(fromSpki.Sha256Hex, fromJwk.Sha256Hex);
        Assert.Equal(SHA256.HashData(runtime.ExportSubjectPublicKeyInfo()), reportData[..32]);
        Assert.All(reportData[32..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData("{\"kty\":\"RSA\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"!!\",\"y\":\"AA\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\"}")]
    [InlineData("[]")]
    public void RuntimeKey_InvalidJwk_ThrowsInvalidRequest(string json)
    {
        using JsonDocument jwk = JsonDocument.Parse(json);

        Assert.Equal(KmsErrorCode.InvalidRequest, Assert.Throws<KmsException>(() => RuntimeKey.FromJwk(jwk.RootElement)).Code);
    }

    [Fact]
    public void RuntimeKey_GarbageSpki_ThrowsInvalidRequest()
    {
        Assert.Equal(KmsErrorCode.InvalidRequest, Assert.Throws<KmsException>(() => RuntimeKey.FromSubjectPublicKeyInfo(new byte[] { 0x30, 0x03, 0x01 })).Code);
    }

    [Fact]
    public async Task OpenAsync_PlainHttpUri_IsRefused()
    {
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            KmsProvider.OpenAsync("http://127.0.0.1:9876", new KmsConnectionOptions { ApiKey = "x" }, TestContext.Current.CancellationToken));

        Assert.Contains("HTTPS only", refused.Message, StringComparison.Ordinal);
    }
}
