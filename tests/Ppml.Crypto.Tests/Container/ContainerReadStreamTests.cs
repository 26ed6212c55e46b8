using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

public sealed class ContainerReadStreamTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(SmallSegment, false)]
    [InlineData(SmallSegment, true)]
    [InlineData((3 * SmallSegment) + 321, true)]
    [InlineData((3 * SmallSegment) + 321, false)]
    public async Task ReadAsync_WholeStream_EqualsPlaintext(int length, bool seekable)
    {
        byte[] key = Key(1);
        byte[] plaintext = Plaintext(length, length);
        byte[] container = await EncryptAsync(plaintext, key);
        Stream input = seekable ? new MemoryStream(container) : new NonSeekableStream(new MemoryStream(container), maxChunk: 1000);

        await using var stream = await ContainerReadStream.OpenAsync(input, key, cancellationToken: TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 1234, TestContext.Current.CancellationToken);

        Assert.Equal(plaintext, copy.ToArray());
        Assert.Equal(seekable, stream.CanSeek);
        Assert.Equal(seekable ? length : null, stream.PlaintextLength);
        Assert.Equal(0, await stream.ReadAsync(new byte[10], TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Read_Synchronous_EqualsPlaintext(bool seekable)
    {
        byte[] key = Key(2);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 77, 2);
        byte[] container = await EncryptAsync(plaintext, key);
        Stream input = seekable ? new MemoryStream(container) : new NonSeekableStream(new MemoryStream(container), maxChunk: 300);

        using var stream = await ContainerReadStream.OpenAsync(input, key, cancellationToken: TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 999);

        Assert.Equal(plaintext, copy.ToArray());
        Assert.Equal(-1, stream.ReadByte());
    }

    [Fact]
    public async Task Seek_ArbitraryPositions_ReadsMatchPlaintext()
    {
        byte[] key = Key(3);
        byte[] plaintext = Plaintext((5 * SmallSegment) + 100, 3);
        byte[] container = await EncryptAsync(plaintext, key);
        await using var stream = await ContainerReadStream.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);
        var random = new Random(3);

        for (int i = 0; i < 200; i++)
        {
            int position = random.Next(0, plaintext.Length + 10);
            int count = random.Next(0, 2 * SmallSegment);
            stream.Position = position;
            byte[] buffer = new byte[count];
            int read = await stream.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, TestContext.Current.CancellationToken);

            int expected = Math.Clamp(plaintext.Length - position, 0, count);
            Assert.Equal(expected, read);
            Assert.Equal(plaintext.AsSpan(Math.Min(position, plaintext.Length), expected).ToArray(), buffer.AsSpan(0, read).ToArray());
        }

        Assert.Equal(plaintext.Length, stream.Length);
        Assert.Equal(plaintext.Length - 5, stream.Seek(-5, SeekOrigin.End));
        Assert.Equal(plaintext.Length - 3, stream.Seek(2, SeekOrigin.Current));
        Assert.Throws<IOException>(() => stream.Seek(-1, SeekOrigin.Begin));
    }

    [Fact]
    public async Task OpenAsync_SeekableTruncatedAtSegmentBoundary_ThrowsAtOpen()
    {
        byte[] key = Key(4);
        byte[] container = await EncryptAsync(Plaintext(3 * SmallSegment, 4), key);
        byte[] truncated = container.AsSpan(0, container.Length - SmallSegment - 16).ToArray();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => ContainerReadStream.OpenAsync(new MemoryStream(truncated), key, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(1, exception.SegmentIndex);
    }

    [Fact]
    public async Task ReadAsync_NonSeekableTruncated_ThrowsAtEndInsteadOfShortRead()
    {
        byte[] key = Key(5);
        byte[] plaintext = Plaintext(3 * SmallSegment, 5);
        byte[] container = await EncryptAsync(plaintext, key);
        byte[] truncated = container.AsSpan(0, container.Length - SmallSegment - 16).ToArray();
        await using var stream = await ContainerReadStream.OpenAsync(new NonSeekableStream(new MemoryStream(truncated)), key, cancellationToken: TestContext.Current.CancellationToken);
        using var received = new MemoryStream();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => stream.CopyToAsync(received, TestContext.Current.CancellationToken));

        Assert.Equal(1, exception.SegmentIndex);
        Assert.Equal(plaintext.AsSpan(0, SmallSegment).ToArray(), received.ToArray());
    }

    [Fact]
    public async Task ReadAsync_AgainAfterAuthenticationFailure_ThrowsAgain()
    {
        byte[] key = Key(11);
        byte[] container = await EncryptAsync(Plaintext(4 * SmallSegment, 11), key);
        container[HeaderLength(container) + 3] ^= 0x04;
        await using var stream = await ContainerReadStream.OpenAsync(new NonSeekableStream(new MemoryStream(container)), key, cancellationToken: TestContext.Current.CancellationToken);
        byte[] buffer = new byte[100];

        var first = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => stream.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask());
        var second = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => stream.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(0, first.SegmentIndex);
        Assert.Same(first, second);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Seek_BackAfterFailedSegment_ReturnsAuthenticBytesOnly()
    {
        byte[] key = Key(12);
        byte[] plaintext = Plaintext(3 * SmallSegment, 12);
        byte[] container = await EncryptAsync(plaintext, key);
        container[HeaderLength(container) + SmallSegment + 16 + 100] ^= 0x10;
        await using var stream = await ContainerReadStream.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);
        byte[] buffer = new byte[SmallSegment];
        await stream.ReadExactlyAsync(buffer, TestContext.Current.CancellationToken);

        // Segment 0 is exhausted, so this read loads segment 1 into the same buffer, and fails.
        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => stream.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask());
        stream.Position = 20;
        int read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);

        Assert.Equal(1, exception.SegmentIndex);
        Assert.Equal(plaintext.AsSpan(20, read).ToArray(), buffer.AsSpan(0, read).ToArray());
        Assert.Equal(SmallSegment - 20, read);
    }

    [Fact]
    public async Task OpenAsync_WrongKey_Throws()
    {
        byte[] container = await EncryptAsync(Plaintext(10, 6), Key(6));

        await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => ContainerReadStream.OpenAsync(new MemoryStream(container), Key(7), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenAsync_ContainerAfterOtherData_ReadsFromCurrentPosition()
    {
        byte[] key = Key(8);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 1, 8);
        byte[] container = await EncryptAsync(plaintext, key);
        var input = new MemoryStream();
        input.Write(new byte[100]);
        input.Write(container);
        input.Position = 100;

        await using var stream = await ContainerReadStream.OpenAsync(input, key, cancellationToken: TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(plaintext.Length, stream.PlaintextLength);
        Assert.Equal(plaintext, copy.ToArray());
    }

    [Fact]
    public async Task Dispose_LeaveOpen_KeepsInputOpen()
    {
        byte[] key = Key(9);
        var input = new MemoryStream(await EncryptAsync([], key));

        await (await ContainerReadStream.OpenAsync(input, key, leaveOpen: true, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();
        Assert.True(input.CanRead);

        (await ContainerReadStream.OpenAsync(new MemoryStream(input.ToArray()), key, cancellationToken: TestContext.Current.CancellationToken)).Dispose();
        input.Position = 0;
        await (await ContainerReadStream.OpenAsync(input, key, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();
        Assert.False(input.CanRead);
    }

    [Fact]
    public async Task NonSeekable_LengthAndSeek_NotSupported()
    {
        byte[] key = Key(10);
        byte[] container = await EncryptAsync([1, 2, 3], key);
        await using var stream = await ContainerReadStream.OpenAsync(new NonSeekableStream(new MemoryStream(container)), key, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }
}
