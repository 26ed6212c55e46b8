using System.Security.Cryptography;
using Ppml.Crypto.Container;

namespace Ppml.Crypto.Tests.Container;

/// <summary>Deterministic keys, plaintexts and containers for the container tests.</summary>
internal static class ContainerTestData
{
    public const int SmallSegment = ContainerOptions.MinSegmentSize;

    public static byte[] Key(int seed)
    {
        byte[] key = new byte[PpmlContainer.DataKeySize];
        new Random(seed).NextBytes(key);
        return key;
    }

    public static ContainerKeyInfo KeyInfo(string keyReference = "file:/etc/ppml/keys.json#orders", int keyVersion = 3)
    {
        byte[] wrapped = new byte[60];
        new Random(keyReference.Length + keyVersion).NextBytes(wrapped);
        return new ContainerKeyInfo(keyReference, keyVersion, wrapped);
    }

    public static byte[] Plaintext(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A reproducible stand-in for RandomNumberGenerator, for tests that pin bytes.</summary>
    public static RandomFill DeterministicRandom(int seed)
    {
        var random = new Random(seed);
        return destination => random.NextBytes(destination);
    }

    public static async Task<byte[]> EncryptAsync(byte[] plaintext, byte[] key, int segmentSize = SmallSegment, ContainerKeyInfo? keyInfo = null, RandomFill? random = null)
    {
        using var output = new MemoryStream();
        var options = new ContainerOptions { SegmentSize = segmentSize, RandomSource = random };
        await PpmlContainer.EncryptAsync(new MemoryStream(plaintext), output, key, keyInfo ?? KeyInfo(), options, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    public static async Task<byte[]> DecryptAsync(byte[] container, byte[] key)
    {
        using var output = new MemoryStream();
        await PpmlContainer.DecryptAsync(new MemoryStream(container), output, key, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    /// <summary>Header length of a container, from its bytes (parsing only).</summary>
    public static int HeaderLength(byte[] container) => PpmlContainer.ReadHeader(container).HeaderLength;

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);
}
