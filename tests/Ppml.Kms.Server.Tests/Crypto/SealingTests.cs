using System.Security.Cryptography;
using System.Text;
using Ppml.Crypto.Aead;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Kms.Server.Tests.Crypto;

public sealed class SealingTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(Sealing.KeySize);

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(200)]
    public void Open_Sealed_RoundTripsInFormat3(int length)
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);

        byte[] sealedBytes = Sealing.Seal(s_key, plaintext, "ppml-kms-key\0k\01");

        Assert.Equal(3, sealedBytes[0]);
        Assert.Equal(length + DerivedKeyAead.Overhead, sealedBytes.Length);
        Assert.Equal(plaintext, Sealing.Open(s_key, sealedBytes, "ppml-kms-key\0k\01"));
    }

    [Fact]
    public void Open_ValuesSealedByShippedServer_ReturnPlaintext()
    {
        // tests/Ppml.Crypto.Tests/TestData/aead/legacy-vectors.json "seals" 0 and 1, written by a copy of the shipped
        // Sealing.Seal (TestData/aead/generate-legacy.cs): nonce(12) || ciphertext || tag(16), no format byte.
        byte[] root = Sealing.Open(
            Convert.FromHexString("c2174e44dd9fb58434aa4c1c479090829b28cf0f91826b748813174874118953"),
            Convert.FromHexString("b9cb18408e7fffc0cb087a0d81dc276701ee464c150d76c69f06313cd767b2d175eada1fad81724342eceb25284274a7525ad562350336f394fe7d42"),
            "ppml-kms-root");
        byte[] version = Sealing.Open(
            Convert.FromHexString("79619d3f4ab7e062aa98b5ddb07521d56faff0c545262ff2cf28185e4de9b5d1"),
            Convert.FromHexString("1bd05ffe0b25517c89bb2458a17799b82b49d1ed9d6d5758b5fd0e1346abd3b30d04bfbed09cf2d2d8e42b8d7c504319b9a2f92d90e510a82e5ef53d"),
            "ppml-kms-key\0orders\02");

        Assert.Equal(Convert.FromHexString("e82e734c923d2760cab08be35376f6302b069ef3dfd2b2b65e3d7304fe1a9d6e"), root);
        Assert.Equal(Convert.FromHexString("714240cac515cffa6548e382d41cc01a31a7c09d8158a7a072de8733a05081fd"), version);
    }

    [Fact]
    public void Open_LegacyValueWhoseNonceStartsWithFormatByte_Opens()
    {
        // One legacy value in 256 has a nonce beginning with 3, the new format byte; it must still open.
        byte[] plaintext = RandomNumberGenerator.GetBytes(DerivedKeyAead.Overhead);
        byte[] sealedBytes = LegacySeal(s_key, plaintext, "ctx", firstNonceByte: DerivedKeyAead.Format);

        Assert.True(DerivedKeyAead.HasFormat(sealedBytes));
        Assert.Equal(plaintext, Sealing.Open(s_key, sealedBytes, "ctx"));
    }

    [Fact]
    public void Open_TamperedTruncatedOrWrongContext_ThrowsAeadAuthenticationException()
    {
        byte[] sealedBytes = Sealing.Seal(s_key, "secret"u8, "ctx");
        byte[] legacy = LegacySeal(s_key, "secret"u8.ToArray(), "ctx", firstNonceByte: 0x10);

        foreach (byte[] value in new[] { sealedBytes, legacy })
        {
            for (int bit = 0; bit < value.Length * 8; bit++)
            {
                byte[] tampered = value.ToArray();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsType<AeadAuthenticationException>(Record.Exception(() => Sealing.Open(s_key, tampered, "ctx")));
            }

            for (int length = 0; length < value.Length; length++)
            {
                Assert.IsType<AeadAuthenticationException>(Record.Exception(() => Sealing.Open(s_key, value.AsSpan(0, length), "ctx")));
            }

            Assert.IsType<AeadAuthenticationException>(Record.Exception(() => Sealing.Open(s_key, value, "ctx2")));
        }
    }

    // The layout of the shipped Sealing.Seal, with the first nonce byte chosen.
    private static byte[] LegacySeal(byte[] key, byte[] plaintext, string context, byte firstNonceByte)
    {
        byte[] sealedBytes = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        sealedBytes[0] = firstNonceByte;
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), Encoding.UTF8.GetBytes(context));
        return sealedBytes;
    }
}
