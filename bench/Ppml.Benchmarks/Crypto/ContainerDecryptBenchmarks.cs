using BenchmarkDotNet.Attributes;
using Ppml.Crypto.Container;

namespace Ppml.Benchmarks.Crypto;

/// <summary>
/// Container decryption (from a MemoryStream to Stream.Null) against raw AES-GCM decryption of the same
/// segments with the same key, nonces and associated data (the baseline). Acceptance: Ratio ≤ 1.25
/// (container throughput ≥ 0.80 of raw AES-GCM on one core).
/// </summary>
public class ContainerDecryptBenchmarks
{
    private ContainerBenchmarkData _data = null!;
    private byte[] _plaintext = null!;

    /// <summary>Plaintext bytes: 8 MiB and 1 GiB, in 1 MiB segments.</summary>
    [Params(8 << 20, 1 << 30)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _data = await ContainerBenchmarkData.CreateAsync(Size);
        _plaintext = new byte[ContainerBenchmarkData.SegmentSize];
    }

    [GlobalCleanup]
    public void Cleanup() => _data.Dispose();

    [Benchmark(Baseline = true)]
    public int RawAesGcmDecrypt()
    {
        const int Stored = ContainerBenchmarkData.SegmentSize + ContainerBenchmarkData.TagSize;
        Span<byte> nonce = stackalloc byte[12];
        int offset = _data.Header.HeaderLength;
        long index = 0;
        int checksum = 0;
        while (offset < _data.ContainerLength)
        {
            int stored = Math.Min(Stored, _data.ContainerLength - offset);
            int length = stored - ContainerBenchmarkData.TagSize;
            _data.WriteNonce(nonce, index, isFinal: offset + stored == _data.ContainerLength);
            ReadOnlySpan<byte> segment = _data.Container.AsSpan(offset, stored);
            _data.RawCipher.Decrypt(nonce, segment[..length], segment[length..], _plaintext.AsSpan(0, length), _data.AssociatedData);
            checksum += _plaintext[0];
            offset += stored;
            index++;
        }

        return checksum;
    }

    [Benchmark]
    public async Task<long> ContainerDecryptAsync()
    {
        using var input = new MemoryStream(_data.Container, 0, _data.ContainerLength, writable: false);
        await PpmlContainer.DecryptAsync(input, Stream.Null, _data.DataKey);
        return input.Position;
    }
}
