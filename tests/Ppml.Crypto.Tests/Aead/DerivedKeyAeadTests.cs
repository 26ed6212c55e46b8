using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Crypto.Aead;

namespace Ppml.Crypto.Tests.Aead;

public sealed class DerivedKeyAeadTests
{
    private const string Domain = "ppml/test/v3";
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_associatedData = "orders\0v7"u8.ToArray();

    public static TheoryData<string> HkdfVectors() => [.. AeadTestData.Primitives("hkdfSha256").Select(v => v.Text("source"))];

    // The construction's GCM nonce is all zero with a 256-bit key: McGrew & Viega test cases 13 and 14 are exactly that.
    public static TheoryData<string> ZeroNonceGcmVectors() =>
    [
        .. AeadTestData.Primitives("aes256gcm")
            .Where(v => v.Hex("nonce").All(b => b == 0) && v.Hex("key").Length == 32)
            .Select(v => v.Text("source")),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1024 * 1024)]
    public void Open_SealedValue_ReturnsPlaintext(int length)
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);

        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, plaintext, s_associatedData);

        Assert.Equal(length + DerivedKeyAead.Overhead, sealedBytes.Length);
        Assert.Equal(DerivedKeyAead.Format, sealedBytes[0]);
        Assert.Equal(plaintext, DerivedKeyAead.Open(s_key, Domain, sealedBytes, s_associatedData));
    }

    [Fact]
    public void Open_SpanOverloads_RoundTripAndReportLength()
    {
        byte[] plaintext = "span"u8.ToArray();
        byte[] sealedBytes = new byte[DerivedKeyAead.GetSealedLength(plaintext.Length) + 5];
        byte[] opened = new byte[10];

        int written = DerivedKeyAead.Seal(s_key, Domain, plaintext, s_associatedData, sealedBytes);
        int read = DerivedKeyAead.Open(s_key, Domain, sealedBytes.AsSpan(0, written), s_associatedData, opened);

        Assert.Equal(plaintext.Length + DerivedKeyAead.Overhead, written);
        Assert.Equal(plaintext.Length, read);
        Assert.Equal(plaintext, opened[..read]);
    }

    [Fact]
    public void Open_ByteArrayOverloadWithoutAssociatedData_RoundTrips()
    {
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, "no ad"u8.ToArray());

        Assert.Equal("no ad"u8.ToArray(), DerivedKeyAead.Open(s_key, Domain, sealedBytes));
        Assert.Throws<AeadAuthenticationException>(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes, s_associatedData));
    }

    [Fact]
    public void Seal_SamePlaintextTwice_DiffersInSaltAndCiphertext()
    {
        byte[] first = DerivedKeyAead.Seal(s_key, Domain, new byte[32], s_associatedData);
        byte[] second = DerivedKeyAead.Seal(s_key, Domain, new byte[32], s_associatedData);

        Assert.NotEqual(first.AsSpan(1, 32).ToArray(), second.AsSpan(1, 32).ToArray());
        Assert.NotEqual(first.AsSpan(33).ToArray(), second.AsSpan(33).ToArray());
    }

    [Fact]
    public void Seal_TenThousandValues_AllSaltsDistinct()
    {
        var salts = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 10_000; i++)
        {
            byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, [(byte)i], s_associatedData);
            Assert.True(salts.Add(Convert.ToHexString(sealedBytes, 1, DerivedKeyAead.SaltSize)), $"salt of value {i} repeated");
        }

        Assert.Equal(10_000, salts.Count);
    }

    [Fact]
    public void Open_EveryBitFlipped_ThrowsAndZeroesOutput()
    {
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, "abc"u8, s_associatedData);
        byte[] output = new byte[3];

        // Every bit: the format byte, the salt, the ciphertext and the tag.
        for (int bit = 0; bit < sealedBytes.Length * 8; bit++)
        {
            byte[] tampered = sealedBytes.ToArray();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            output.AsSpan().Fill(0xAA);

            Exception? error = Record.Exception(() => DerivedKeyAead.Open(s_key, Domain, tampered, s_associatedData, output));

            Assert.IsType<AeadAuthenticationException>(error);
            Assert.All(output, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Open_TruncatedAtEveryLengthOrExtended_ThrowsOnlyTheDomainException()
    {
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, RandomNumberGenerator.GetBytes(40), s_associatedData);
        byte[] output = new byte[sealedBytes.Length];

        for (int length = 0; length < sealedBytes.Length; length++)
        {
            output.AsSpan().Fill(0xAA);
            Exception? error = Record.Exception(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes.AsSpan(0, length), s_associatedData, output));

            Assert.IsType<AeadAuthenticationException>(error);
            Assert.All(output, b => Assert.Equal(0, b));
            Assert.IsType<AeadAuthenticationException>(Record.Exception(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes.AsSpan(0, length), s_associatedData)));
        }

        Assert.IsType<AeadAuthenticationException>(Record.Exception(() => DerivedKeyAead.Open(s_key, Domain, [.. sealedBytes, 0], s_associatedData)));
    }

    [Fact]
    public void Open_WrongAssociatedData_Throws()
    {
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, "secret"u8, s_associatedData);

        Assert.Throws<AeadAuthenticationException>(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes, "orders\0v8"u8));
        Assert.Throws<AeadAuthenticationException>(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Open_WrongKeyOrDomain_ThrowsNamingDomainButNoKey()
    {
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, "secret"u8, s_associatedData);
        byte[] otherKey = RandomNumberGenerator.GetBytes(32);

        AeadAuthenticationException wrongKey = Assert.Throws<AeadAuthenticationException>(() => DerivedKeyAead.Open(otherKey, Domain, sealedBytes, s_associatedData));
        Assert.Throws<AeadAuthenticationException>(() => DerivedKeyAead.Open(s_key, "ppml/other/v3", sealedBytes, s_associatedData));

        Assert.Contains(Domain, wrongKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(otherKey), wrongKey.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(otherKey), wrongKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", wrongKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_ShortKeyEmptyDomainOrSmallDestination_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DerivedKeyAead.Seal(new byte[16], Domain, "x"u8, s_associatedData));
        Assert.Throws<ArgumentException>(() => DerivedKeyAead.Seal(s_key, string.Empty, "x"u8, s_associatedData));
        Assert.Throws<ArgumentException>(() => DerivedKeyAead.Seal(s_key, Domain, "x"u8, s_associatedData, new byte[DerivedKeyAead.Overhead]));
        byte[] sealedBytes = DerivedKeyAead.Seal(s_key, Domain, "xy"u8, s_associatedData);
        Assert.Throws<ArgumentException>(() => DerivedKeyAead.Open(s_key, Domain, sealedBytes, s_associatedData, new byte[1]));
    }

    [Theory]
    [MemberData(nameof(HkdfVectors))]
    public void DeriveKey_Rfc5869Vector_MatchesOkm(string source)
    {
        JsonElement vector = AeadTestData.Primitives("hkdfSha256").Single(v => v.Text("source") == source);
        byte[] output = new byte[vector.Hex("okm").Length];

        DerivedKeyAead.DeriveKey(vector.Hex("ikm"), vector.Hex("salt"), vector.Hex("info"), output);

        Assert.Equal(vector.Hex("okm"), output);
    }

    [Theory]
    [MemberData(nameof(ZeroNonceGcmVectors))]
    public void EncryptWithOneTimeKey_ZeroNonceGcmVector_MatchesCiphertextAndTag(string source)
    {
        JsonElement vector = AeadTestData.Primitives("aes256gcm").Single(v => v.Text("source") == source);
        byte[] plaintext = vector.Hex("plaintext");
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[DerivedKeyAead.TagSize];

        DerivedKeyAead.EncryptWithOneTimeKey(vector.Hex("key"), plaintext, vector.Hex("aad"), ciphertext, tag);

        Assert.Equal(vector.Hex("ciphertext"), ciphertext);
        Assert.Equal(vector.Hex("tag"), tag);
    }

    [Fact]
    public void Seal_FixedSalt_IsFormatSaltThenGcmUnderHkdfKey()
    {
        byte[] salt = RandomNumberGenerator.GetBytes(32);
        byte[] plaintext = RandomNumberGenerator.GetBytes(77);
        byte[] sealedBytes = new byte[DerivedKeyAead.GetSealedLength(plaintext.Length)];

        DerivedKeyAead.Seal(s_key, Domain, salt, plaintext, s_associatedData, sealedBytes);

        // The same composition from the BCL primitives directly, as docs/formats/data-key-wrap-v3.md states it.
        byte[] oneTimeKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, s_key, 32, salt, Encoding.UTF8.GetBytes(Domain));
        byte[] expected = new byte[sealedBytes.Length];
        expected[0] = 3;
        salt.CopyTo(expected, 1);
        using (var aes = new AesGcm(oneTimeKey, 16))
        {
            aes.Encrypt(new byte[12], plaintext, expected.AsSpan(33, plaintext.Length), expected.AsSpan(33 + plaintext.Length), s_associatedData);
        }

        Assert.Equal(expected, sealedBytes);
    }

    [Fact]
    public void Seal_FixedInputs_MatchesIndependentReference()
    {
        // TestData/aead/derived_key_aead_v3.py known-answer (Python 'cryptography'), line "aead".
        const string Expected =
            "03202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
            "7149618c9c81e6c5726f6923d16d6eb19134605b347205fba264cb5d7c5312d64b634887f0";
        byte[] key = [.. Enumerable.Range(0x00, 32).Select(i => (byte)i)];
        byte[] salt = [.. Enumerable.Range(0x20, 32).Select(i => (byte)i)];
        byte[] plaintext = "PPML derived-key AEAD"u8.ToArray();
        byte[] sealedBytes = new byte[DerivedKeyAead.GetSealedLength(plaintext.Length)];

        DerivedKeyAead.Seal(key, Domain, salt, plaintext, "associated"u8, sealedBytes);

        Assert.Equal(Expected, Convert.ToHexStringLower(sealedBytes));
        Assert.Equal(plaintext, DerivedKeyAead.Open(key, Domain, Convert.FromHexString(Expected), "associated"u8));
    }
}
