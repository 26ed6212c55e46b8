using System.Security.Cryptography;
using Ppml.Crypto.Container;

namespace Ppml.Benchmarks.Crypto;

/// <summary>
/// Shared setup of the container benchmarks: a data key, a container in memory, and a raw <see cref="AesGcm"/>
/// holding the very segment key, nonces and associated data the container uses, so the baseline does the same
/// AES-GCM work over the same bytes and nothing else.
/// </summary>
internal sealed class ContainerBenchmarkData : IDisposable
{
    public const int SegmentSize = ContainerOptions.DefaultSegmentSize;
    public const int TagSize = 16;

    private ContainerBenchmarkData(byte[] dataKey, ContainerKeyInfo keyInfo, byte[] container, int containerLength, ContainerHeader header)
    {
        DataKey = dataKey;
        KeyInfo = keyInfo;
        Container = container;
        ContainerLength = containerLength;
        Header = header;
        Span<byte> segmentKey = stackalloc byte[32];
        Span<byte> headerKey = stackalloc byte[32];
        ContainerKeys.Derive(dataKey, header.Salt, segmentKey, headerKey);
        RawCipher = new AesGcm(segmentKey, TagSize);
        AssociatedData = SHA256.HashData(header.Bytes);
        NoncePrefix = header.NoncePrefix.ToArray();
    }

    public byte[] DataKey { get; }

    public ContainerKeyInfo KeyInfo { get; }

    /// <summary>The container bytes (the array may be longer than <see cref="ContainerLength"/>).</summary>
    public byte[] Container { get; }

    public int ContainerLength { get; }

    public ContainerHeader Header { get; }

    public AesGcm RawCipher { get; }

    public byte[] AssociatedData { get; }

    public byte[] NoncePrefix { get; }

    public static async Task<ContainerBenchmarkData> CreateAsync(int plaintextLength)
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(PpmlContainer.DataKeySize);
        var keyInfo = new ContainerKeyInfo("file:/bench/keys.json#bench", 1, RandomNumberGenerator.GetBytes(64));
        long segments = Math.Max(1, (plaintextLength + (long)SegmentSize - 1) / SegmentSize);
        var output = new MemoryStream(checked((int)(plaintextLength + (segments * TagSize) + PpmlContainer.MaxHeaderLength)));
        await PpmlContainer.EncryptAsync(new RepeatingStream(plaintextLength), output, dataKey, keyInfo, new ContainerOptions { SegmentSize = SegmentSize });
        byte[] container = output.GetBuffer();
        return new ContainerBenchmarkData(dataKey, keyInfo, container, (int)output.Length, PpmlContainer.ReadHeader(container));
    }

    /// <summary>The nonce of a segment, as the format defines it: prefix(7) || index(uint32 BE) || final flag.</summary>
    public void WriteNonce(Span<byte> nonce, long index, bool isFinal) => ContainerFormat.WriteNonce(nonce, NoncePrefix, index, isFinal);

    public void Dispose() => RawCipher.Dispose();

    /// <summary>A random 1 MiB block repeated up to a length, so setup does not hold a second copy of the data.</summary>
    private sealed class RepeatingStream(long length) : Stream
    {
        private readonly byte[] _block = RandomNumberGenerator.GetBytes(SegmentSize);
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, length - _position);
            for (int done = 0; done < count;)
            {
                int offset = (int)((_position + done) % _block.Length);
                int take = Math.Min(count - done, _block.Length - offset);
                _block.AsSpan(offset, take).CopyTo(buffer[done..]);
                done += take;
            }

            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
