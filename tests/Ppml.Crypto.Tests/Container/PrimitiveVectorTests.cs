using System.Security.Cryptography;
using System.Text.Json;

namespace Ppml.Crypto.Tests.Container;

/// <summary>
/// The primitives the container format builds on (AES-256-GCM, HKDF-SHA256, HMAC-SHA256), checked against
/// published vectors (TestData/vectors/primitives.json; sources named per vector and in TestData/README.md).
/// </summary>
public sealed class PrimitiveVectorTests
{
    private static readonly Lazy<JsonDocument> s_vectors = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "vectors", "primitives.json"))));

    public static TheoryData<string> AesGcmVectors() => Names("aes256gcm");

    public static TheoryData<string> HkdfVectors() => Names("hkdfSha256");

    public static TheoryData<string> HmacVectors() => Names("hmacSha256");

    [Theory]
    [MemberData(nameof(AesGcmVectors))]
    public void AesGcm_PublishedVector_EncryptsAndDecrypts(string source)
    {
        JsonElement vector = Find("aes256gcm", source);
        byte[] plaintext = Hex(vector, "plaintext");
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[16];
        using var aes = new AesGcm(Hex(vector, "key"), 16);

        aes.Encrypt(Hex(vector, "nonce"), plaintext, ciphertext, tag, Hex(vector, "aad"));
        byte[] decrypted = new byte[plaintext.Length];
        aes.Decrypt(Hex(vector, "nonce"), ciphertext, tag, decrypted, Hex(vector, "aad"));

        Assert.Equal(Hex(vector, "ciphertext"), ciphertext);
        Assert.Equal(Hex(vector, "tag"), tag);
        Assert.Equal(plaintext, decrypted);
    }

    [Theory]
    [MemberData(nameof(AesGcmVectors))]
    public void AesGcm_PublishedVectorTamperedTagAadOrCiphertext_FailsAndZeroesOutput(string source)
    {
        JsonElement vector = Find("aes256gcm", source);
        byte[] ciphertext = Hex(vector, "ciphertext");
        byte[] tag = Hex(vector, "tag");
        byte[] aad = Hex(vector, "aad");
        using var aes = new AesGcm(Hex(vector, "key"), 16);

        void AssertFails(byte[] c, byte[] t, byte[] a)
        {
            byte[] output = Enumerable.Repeat((byte)0xAA, c.Length).ToArray();
            Assert.ThrowsAny<CryptographicException>(() => aes.Decrypt(Hex(vector, "nonce"), c, t, output, a));
            Assert.All(output, b => Assert.Equal(0, b));
        }

        byte[] badTag = tag.ToArray();
        badTag[0] ^= 1;
        AssertFails(ciphertext, badTag, aad);
        AssertFails(ciphertext, tag, [.. aad, 0]);
        if (ciphertext.Length > 0)
        {
            byte[] badCiphertext = ciphertext.ToArray();
            badCiphertext[^1] ^= 0x80;
            AssertFails(badCiphertext, tag, aad);
        }
    }

    [Theory]
    [MemberData(nameof(HkdfVectors))]
    public void Hkdf_PublishedVector_MatchesExtractAndExpand(string source)
    {
        JsonElement vector = Find("hkdfSha256", source);
        byte[] okm = Hex(vector, "okm");
        byte[] prk = new byte[32];
        byte[] expanded = new byte[okm.Length];

        HKDF.Extract(HashAlgorithmName.SHA256, Hex(vector, "ikm"), Hex(vector, "salt"), prk);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, expanded, Hex(vector, "info"));

        Assert.Equal(Hex(vector, "prk"), prk);
        Assert.Equal(okm, expanded);
    }

    [Theory]
    [MemberData(nameof(HmacVectors))]
    public void HmacSha256_PublishedVector_Matches(string source)
    {
        JsonElement vector = Find("hmacSha256", source);

        Assert.Equal(Hex(vector, "mac"), HMACSHA256.HashData(Hex(vector, "key"), Hex(vector, "data")));
    }

    private static TheoryData<string> Names(string family)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement vector in s_vectors.Value.RootElement.GetProperty(family).EnumerateArray())
        {
            data.Add(vector.GetProperty("source").GetString()!);
        }

        return data;
    }

    private static JsonElement Find(string family, string source) =>
        s_vectors.Value.RootElement.GetProperty(family).EnumerateArray().Single(v => v.GetProperty("source").GetString() == source);

    private static byte[] Hex(JsonElement vector, string name) => Convert.FromHexString(vector.GetProperty(name).GetString()!);
}
