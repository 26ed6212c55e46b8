using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

/// <summary>
/// Allocation measurements are process-wide, so these tests run alone (no other test allocates meanwhile).
/// </summary>
[Collection(nameof(PpmlContainerMemoryTests))]
[CollectionDefinition(nameof(PpmlContainerMemoryTests), DisableParallelization = true)]
public sealed class PpmlContainerMemoryTests
{
    [Fact]
    public async Task DecryptAsync_ConstantMemory_DoesNotGrowWithInput()
    {
        // 64 MiB through 64 KiB segments: allocation must stay near one segment, far below the data size.
        byte[] key = Key(25);
        const int SegmentSize = 65536;
        const long Length = 64L << 20;
        using var plaintext = new PatternStream(Length);
        using var container = new MemoryStream();
        await PpmlContainer.EncryptAsync(plaintext, container, key, KeyInfo(), new ContainerOptions { SegmentSize = SegmentSize }, TestContext.Current.CancellationToken);
        container.Position = 0;
        var sink = new CountingStream();

        long before = GC.GetTotalAllocatedBytes(precise: true);
        await PpmlContainer.DecryptAsync(container, sink, key, TestContext.Current.CancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(Length, sink.Count);
        Assert.True(allocated < 256 * 1024, $"DecryptAsync allocated {allocated} bytes for {Length} bytes of plaintext.");
    }

    [Fact]
    public async Task EncryptAsync_ConstantMemory_DoesNotGrowWithInput()
    {
        byte[] key = Key(26);
        const long Length = 64L << 20;
        using var plaintext = new PatternStream(Length);
        var sink = new CountingStream();

        long before = GC.GetTotalAllocatedBytes(precise: true);
        await PpmlContainer.EncryptAsync(plaintext, sink, key, KeyInfo(), new ContainerOptions { SegmentSize = 65536 }, TestContext.Current.CancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(sink.Count > Length);
        Assert.True(allocated < 256 * 1024, $"EncryptAsync allocated {allocated} bytes for {Length} bytes of plaintext.");
    }

    /// <summary>A write-only sink that only counts bytes.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A read-only stream of a byte pattern of the given length, without holding it in memory.</summary>
    private sealed class PatternStream(long length) : Stream
    {
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

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, length - _position);
            for (int i = 0; i < count; i++)
            {
                buffer[i] = (byte)((_position + i) * 31);
            }

            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
