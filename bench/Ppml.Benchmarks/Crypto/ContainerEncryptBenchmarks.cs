using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ppml.Crypto.Container;

namespace Ppml.Benchmarks.Crypto;

/// <summary>
/// Container encryption (from a MemoryStream to Stream.Null) against raw AES-GCM encryption of the same
/// plaintext in the same segments, with the same key, nonces and associated data (the baseline).
/// </summary>
public class ContainerEncryptBenchmarks
{
    private ContainerBenchmarkData _data = null!;
    private byte[] _plaintext = null!;
    private byte[] _ciphertext = null!;
    private ContainerOptions _options = null!;

    /// <summary>Plaintext bytes: 8 MiB and 1 GiB, in 1 MiB segments.</summary>
    [Params(8 << 20, 1 << 30)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        // Only the key material and header of this small container are used; the plaintext is separate.
        _data = await ContainerBenchmarkData.CreateAsync(0);
        _plaintext = GC.AllocateUninitializedArray<byte>(Size);
        RandomNumberGenerator.Fill(_plaintext);
        _ciphertext = new byte[ContainerBenchmarkData.SegmentSize + ContainerBenchmarkData.TagSize];
        _options = new ContainerOptions { SegmentSize = ContainerBenchmarkData.SegmentSize };
    }

    [GlobalCleanup]
    public void Cleanup() => _data.Dispose();

    [Benchmark(Baseline = true)]
    public int RawAesGcmEncrypt()
    {
        Span<byte> nonce = stackalloc byte[12];
        int checksum = 0;
        long index = 0;
        for (int offset = 0; offset == 0 || offset < _plaintext.Length; offset += ContainerBenchmarkData.SegmentSize, index++)
        {
            int length = Math.Min(ContainerBenchmarkData.SegmentSize, _plaintext.Length - offset);
            _data.WriteNonce(nonce, index, isFinal: offset + length == _plaintext.Length);
            _data.RawCipher.Encrypt(nonce, _plaintext.AsSpan(offset, length), _ciphertext.AsSpan(0, length), _ciphertext.AsSpan(length, ContainerBenchmarkData.TagSize), _data.AssociatedData);
            checksum += _ciphertext[length];
        }

        return checksum;
    }

    [Benchmark]
    public async Task<long> ContainerEncryptAsync()
    {
        using var input = new MemoryStream(_plaintext, writable: false);
        await PpmlContainer.EncryptAsync(input, Stream.Null, _data.DataKey, _data.KeyInfo, _options);
        return input.Position;
    }
}
