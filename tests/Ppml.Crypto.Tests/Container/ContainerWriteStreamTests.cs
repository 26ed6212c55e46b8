using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

public sealed class ContainerWriteStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SmallSegment - 1)]
    [InlineData(SmallSegment)]
    [InlineData(SmallSegment + 1)]
    [InlineData((4 * SmallSegment) + 123)]
    public async Task WriteAsync_RandomChunks_ThenComplete_DecryptsToInput(int length)
    {
        byte[] key = Key(1);
        byte[] plaintext = Plaintext(length, length);
        using var output = new MemoryStream();
        var random = new Random(length);

        await using (var stream = ContainerWriteStream.Create(output, key, KeyInfo(), new ContainerOptions { SegmentSize = SmallSegment }, leaveOpen: true))
        {
            int offset = 0;
            while (offset < length)
            {
                int count = Math.Min(length - offset, random.Next(0, 3 * SmallSegment));
                await stream.WriteAsync(plaintext.AsMemory(offset, count), TestContext.Current.CancellationToken);
                offset += count;
            }

            Assert.Equal(length, stream.Position);
            await stream.CompleteAsync(TestContext.Current.CancellationToken);
            Assert.True(stream.IsCompleted);
        }

        Assert.Equal(plaintext, await DecryptAsync(output.ToArray(), key));
    }

    [Fact]
    public async Task Write_Synchronous_ThenComplete_MatchesEncryptAsyncLayoutAndBytes()
    {
        byte[] key = Key(2);
        byte[] plaintext = Plaintext((3 * SmallSegment) + 7, 2);
        byte[] expected = await EncryptAsync(plaintext, key, random: DeterministicRandom(5));
        using var output = new MemoryStream();

        using (var stream = ContainerWriteStream.Create(output, key, KeyInfo(), new ContainerOptions { SegmentSize = SmallSegment, RandomSource = DeterministicRandom(5) }, leaveOpen: true))
        {
            stream.Write(plaintext, 0, 10);
            stream.WriteByte(plaintext[10]);
            stream.Write(plaintext.AsSpan(11));
            stream.Complete();
        }

        Assert.Equal(expected, output.ToArray());
    }

    [Fact]
    public async Task Dispose_WithoutComplete_LeavesContainerDetectedAsTruncated()
    {
        byte[] key = Key(3);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 5, 3);
        using var output = new MemoryStream();

        await using (var stream = ContainerWriteStream.Create(output, key, KeyInfo(), new ContainerOptions { SegmentSize = SmallSegment }, leaveOpen: true))
        {
            await stream.WriteAsync(plaintext, TestContext.Current.CancellationToken);
        }

        // Two full segments were emitted (each followed by more data); the tail and the final segment were not.
        Assert.Equal(HeaderLength(output.ToArray()) + (2 * (SmallSegment + 16)), output.Length);
        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => DecryptAsync(output.ToArray(), key));
        Assert.Equal(1, exception.SegmentIndex);
    }

    [Fact]
    public async Task Dispose_WithoutAnyWriteOrComplete_LeavesNothingDecryptable()
    {
        using var output = new MemoryStream();

        await using (ContainerWriteStream.Create(output, Key(4), KeyInfo(), leaveOpen: true))
        {
        }

        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Dispose_AfterOnlyHeaderWritten_IsDetectedAsTruncated()
    {
        byte[] key = Key(5);
        using var output = new MemoryStream();

        await using (var stream = ContainerWriteStream.Create(output, key, KeyInfo(), leaveOpen: true))
        {
            await stream.WriteAsync(new byte[10], TestContext.Current.CancellationToken);
        }

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => DecryptAsync(output.ToArray(), key));
        Assert.Equal(0, exception.SegmentIndex);
    }

    [Fact]
    public async Task WriteAsync_AfterComplete_Throws()
    {
        using var stream = ContainerWriteStream.Create(new MemoryStream(), Key(6), KeyInfo());
        await stream.CompleteAsync(TestContext.Current.CancellationToken);
        await stream.CompleteAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.WriteAsync(new byte[1], TestContext.Current.CancellationToken).AsTask());
        Assert.False(stream.CanWrite);
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var stream = ContainerWriteStream.Create(new MemoryStream(), Key(7), KeyInfo());
        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.WriteAsync(new byte[1], TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public void Dispose_LeaveOpenFalse_DisposesOutput()
    {
        var output = new MemoryStream();
        var stream = ContainerWriteStream.Create(output, Key(8), KeyInfo());

        stream.Dispose();

        Assert.False(output.CanWrite);
    }

    [Fact]
    public async Task WriteAsync_OutputFails_StreamBecomesUnusable()
    {
        var output = new FailingStream();
        using var stream = ContainerWriteStream.Create(output, Key(9), KeyInfo(), new ContainerOptions { SegmentSize = SmallSegment });

        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(new byte[10], TestContext.Current.CancellationToken).AsTask());

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CompleteAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Create_UnwritableOutput_Throws()
    {
        Assert.Throws<ArgumentException>(() => ContainerWriteStream.Create(new MemoryStream([], writable: false), Key(10), KeyInfo()));
    }

    [Fact]
    public void Stream_IsWriteOnlyAndNotSeekable()
    {
        using var stream = ContainerWriteStream.Create(new MemoryStream(), Key(11), KeyInfo());

        Assert.False(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.True(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Length);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full"));
    }
}
