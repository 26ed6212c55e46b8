using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

/// <summary>
/// The writer's output, byte for byte, against a second implementation written from
/// docs/formats/ppml-container-v1.md alone (layout table, key schedule, nonce and associated data), and a
/// pinned known answer for fixed inputs.
/// </summary>
public sealed class ContainerSpecConformanceTests
{
    // Computed by the independent Python reference: TestData/reference/ppml_container_v1.py known-answer.
    private const string PinnedHeaderTag = "9395897C50A723219E9C08CA7D898AFC9069EC93A31694E175B83AF4D1652AD9";
    private const string PinnedSegment = "3C1A74934F806DEE9DAFCFABE8E89B6368B1E360047FDA4CAC4E63CC0E88849960AC3DED94A4AC3F2E676F82E20C";

    public static TheoryData<int, int> Sizes() => new()
    {
        { 4096, 0 },
        { 4096, 1 },
        { 4096, 4095 },
        { 4096, 4096 },
        { 4096, 4097 },
        { 4096, (3 * 4096) + 5 },
        { 5000, 12_345 },
        { 65536, 200_000 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Encrypt_AnyInput_MatchesReferenceImplementationOfSpec(int segmentSize, int length)
    {
        byte[] dataKey = RandomBytes(32);
        byte[] plaintext = RandomBytes(length);
        var keyInfo = new ContainerKeyInfo("kms://vault/transit/ppml-" + length, length % 1000, RandomBytes(1 + (length % 300)));

        byte[] container = await EncryptAsync(plaintext, dataKey, segmentSize, keyInfo);

        // The writer's random choices, read back from their documented offsets.
        byte[] salt = container.AsSpan(24, 32).ToArray();
        byte[] noncePrefix = container.AsSpan(56, 7).ToArray();
        Assert.Equal(Reference.Encrypt(plaintext, dataKey, keyInfo, segmentSize, salt, noncePrefix), container);
    }

    [Fact]
    public async Task Encrypt_FixedInputs_ProducesPinnedBytes()
    {
        // Fixed key, key info, salt and nonce prefix (through the internal test hook): the whole container is a known answer.
        byte[] dataKey = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        var keyInfo = new ContainerKeyInfo("file:/keys/demo.json#orders", 3, "wrapped-key-demo"u8.ToArray());
        byte[] plaintext = "PPML container v1 known answer"u8.ToArray();
        byte counter = 0xA0;
        RandomFill fixedRandom = destination =>
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = counter++;
            }
        };

        byte[] container = await EncryptAsync(plaintext, dataKey, 4096, keyInfo, fixedRandom);

        string expectedFixedPart =
            "8950504D4C0D0A1A" + // magic
            "0001" + // format version 1
            "0001" + // algorithm 1: AES-256-GCM, HKDF-SHA256, HMAC-SHA256
            "00001000" + // segment size 4096
            "00000003" + // key version 3
            "001B" + // key reference: 27 bytes
            "0010" + // wrapped data key: 16 bytes
            "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF" + // salt
            "C0C1C2C3C4C5C6"; // nonce prefix
        string expected =
            expectedFixedPart +
            Convert.ToHexString("file:/keys/demo.json#orders"u8) +
            Convert.ToHexString("wrapped-key-demo"u8) +
            PinnedHeaderTag +
            PinnedSegment;
        Assert.Equal(expected, Convert.ToHexString(container));
        Assert.Equal(plaintext, await DecryptAsync(container, dataKey));
    }

    /// <summary>Format v1 from the spec, written independently of the library.</summary>
    internal static class Reference
    {
        public static byte[] Encrypt(byte[] plaintext, byte[] dataKey, ContainerKeyInfo keyInfo, int segmentSize, byte[] salt, byte[] noncePrefix)
        {
            byte[] keyReference = Encoding.UTF8.GetBytes(keyInfo.KeyReference);
            byte[] wrapped = keyInfo.WrappedDataKey.ToArray();
            var header = new List<byte>();
            header.AddRange(new byte[] { 0x89, (byte)'P', (byte)'P', (byte)'M', (byte)'L', 0x0D, 0x0A, 0x1A });
            header.AddRange(BigEndian((ushort)1));
            header.AddRange(BigEndian((ushort)1));
            header.AddRange(BigEndian((uint)segmentSize));
            header.AddRange(BigEndian((uint)keyInfo.KeyVersion));
            header.AddRange(BigEndian((ushort)keyReference.Length));
            header.AddRange(BigEndian((ushort)wrapped.Length));
            header.AddRange(salt);
            header.AddRange(noncePrefix);
            header.AddRange(keyReference);
            header.AddRange(wrapped);

            byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, dataKey, salt);
            byte[] segmentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, "PPML container v1 AES-256-GCM segment key"u8.ToArray());
            byte[] headerKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, "PPML container v1 HMAC-SHA256 header key"u8.ToArray());
            header.AddRange(HMACSHA256.HashData(headerKey, header.ToArray()));
            byte[] associatedData = SHA256.HashData(header.ToArray());

            var output = new List<byte>(header);
            int count = Math.Max(1, (plaintext.Length + segmentSize - 1) / segmentSize);
            using var aes = new AesGcm(segmentKey, 16);
            for (int index = 0; index < count; index++)
            {
                bool isFinal = index == count - 1;
                byte[] nonce = [.. noncePrefix, .. BigEndian((uint)index), isFinal ? (byte)1 : (byte)0];
                byte[] segment = plaintext.AsSpan(index * segmentSize, Math.Min(segmentSize, plaintext.Length - (index * segmentSize))).ToArray();
                byte[] ciphertext = new byte[segment.Length];
                byte[] tag = new byte[16];
                aes.Encrypt(nonce, segment, ciphertext, tag, associatedData);
                output.AddRange(ciphertext);
                output.AddRange(tag);
            }

            return [.. output];
        }

        private static byte[] BigEndian(ushort value)
        {
            byte[] bytes = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            return bytes;
        }

        private static byte[] BigEndian(uint value)
        {
            byte[] bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return bytes;
        }
    }
}
