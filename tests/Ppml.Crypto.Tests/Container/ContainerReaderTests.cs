using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

public sealed class ContainerReaderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SmallSegment)]
    [InlineData((6 * SmallSegment) + 999)]
    public async Task ReadSegmentAsync_EverySegmentInRandomOrder_EqualsPlaintext(int length)
    {
        byte[] key = Key(1);
        byte[] plaintext = Plaintext(length, length);
        byte[] container = await EncryptAsync(plaintext, key);
        using var reader = await ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Math.Max(1, (length + SmallSegment - 1) / SmallSegment), reader.SegmentCount);
        Assert.Equal(SmallSegment, reader.SegmentSize);
        Assert.Equal(length, reader.PlaintextLength);
        byte[] buffer = new byte[SmallSegment];
        foreach (long index in Enumerable.Range(0, (int)reader.SegmentCount).Reverse())
        {
            int read = await reader.ReadSegmentAsync(index, buffer, TestContext.Current.CancellationToken);
            int start = (int)index * SmallSegment;
            Assert.Equal(reader.GetSegmentLength(index), read);
            Assert.Equal(plaintext.AsSpan(start, read).ToArray(), buffer.AsSpan(0, read).ToArray());
        }
    }

    [Fact]
    public async Task ReadSegmentAsync_OnlyTouchesTheRequestedSegment()
    {
        byte[] key = Key(2);
        byte[] plaintext = Plaintext(8 * SmallSegment, 2);
        byte[] container = await EncryptAsync(plaintext, key);
        int headerLength = HeaderLength(container);

        // Corrupt segments 1..6: random access to 0 and 7 still works; 3 fails.
        for (int index = 1; index <= 6; index++)
        {
            container[headerLength + (index * (SmallSegment + 16)) + 10] ^= 0xFF;
        }

        using var reader = await ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);
        byte[] buffer = new byte[SmallSegment];
        Assert.Equal(SmallSegment, await reader.ReadSegmentAsync(7, buffer, TestContext.Current.CancellationToken));
        Assert.Equal(plaintext.AsSpan(7 * SmallSegment).ToArray(), buffer);
        Assert.Equal(SmallSegment, await reader.ReadSegmentAsync(0, buffer, TestContext.Current.CancellationToken));
        Assert.Equal(plaintext.AsSpan(0, SmallSegment).ToArray(), buffer);

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => reader.ReadSegmentAsync(3, buffer, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(3, exception.SegmentIndex);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task ReadAsync_ArbitraryOffsets_EqualsPlaintext()
    {
        byte[] key = Key(3);
        byte[] plaintext = Plaintext((7 * SmallSegment) + 5, 3);
        byte[] container = await EncryptAsync(plaintext, key);
        using var reader = await ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);
        var random = new Random(3);

        for (int i = 0; i < 300; i++)
        {
            long offset = random.Next(0, plaintext.Length + 100);
            byte[] buffer = new byte[random.Next(0, 3 * SmallSegment)];
            int read = await reader.ReadAsync(offset, buffer, TestContext.Current.CancellationToken);

            int expected = (int)Math.Clamp(plaintext.Length - offset, 0, buffer.Length);
            Assert.Equal(expected, read);
            Assert.Equal(plaintext.AsSpan((int)Math.Min(offset, plaintext.Length), expected).ToArray(), buffer.AsSpan(0, read).ToArray());
        }
    }

    [Fact]
    public async Task OpenAsync_Truncated_ThrowsAtOpenEvenBeforeReadingOtherSegments()
    {
        byte[] key = Key(4);
        byte[] container = await EncryptAsync(Plaintext(4 * SmallSegment, 4), key);

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => ContainerReader.OpenAsync(
            new MemoryStream(container, 0, container.Length - (SmallSegment + 16)), key, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(2, exception.SegmentIndex);
    }

    [Fact]
    public async Task OpenAsync_Appended_ThrowsAtOpen()
    {
        byte[] key = Key(5);
        byte[] container = [.. await EncryptAsync(Plaintext(2 * SmallSegment, 5), key), 0];

        await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadSegmentAsync_InputShrankAfterOpen_Throws()
    {
        byte[] key = Key(6);
        byte[] container = await EncryptAsync(Plaintext(3 * SmallSegment, 6), key);
        var input = new MemoryStream();
        input.Write(container);
        input.Position = 0;
        using var reader = await ContainerReader.OpenAsync(input, key, cancellationToken: TestContext.Current.CancellationToken);
        input.SetLength(container.Length - 20);

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => reader.ReadSegmentAsync(2, new byte[SmallSegment], TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(2, exception.SegmentIndex);
    }

    [Fact]
    public async Task ReadSegmentAsync_BadArguments_Throw()
    {
        byte[] key = Key(7);
        byte[] container = await EncryptAsync(Plaintext(SmallSegment + 1, 7), key);
        using var reader = await ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reader.ReadSegmentAsync(2, new byte[SmallSegment], TestContext.Current.CancellationToken).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reader.ReadSegmentAsync(-1, new byte[SmallSegment], TestContext.Current.CancellationToken).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadSegmentAsync(0, new byte[SmallSegment - 1], TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(1, await reader.ReadSegmentAsync(1, new byte[1], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenAsync_NonSeekableInput_Throws()
    {
        byte[] key = Key(8);
        byte[] container = await EncryptAsync([], key);

        await Assert.ThrowsAsync<ArgumentException>(
            () => ContainerReader.OpenAsync(new NonSeekableStream(new MemoryStream(container)), key, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadSegmentAsync_AfterDispose_Throws()
    {
        byte[] key = Key(9);
        var reader = await ContainerReader.OpenAsync(new MemoryStream(await EncryptAsync([], key)), key, cancellationToken: TestContext.Current.CancellationToken);
        reader.Dispose();
        reader.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => reader.ReadSegmentAsync(0, new byte[1], TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task ReadSegmentAsync_ConcurrentCalls_AreSerializedAndCorrect()
    {
        byte[] key = Key(10);
        byte[] plaintext = Plaintext(16 * SmallSegment, 10);
        byte[] container = await EncryptAsync(plaintext, key);
        using var reader = await ContainerReader.OpenAsync(new MemoryStream(container), key, cancellationToken: TestContext.Current.CancellationToken);

        byte[][] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(index => Task.Run(
            async () =>
            {
                byte[] buffer = new byte[SmallSegment];
                await reader.ReadSegmentAsync(index, buffer, TestContext.Current.CancellationToken);
                return buffer;
            },
            TestContext.Current.CancellationToken)));

        for (int index = 0; index < 16; index++)
        {
            Assert.Equal(plaintext.AsSpan(index * SmallSegment, SmallSegment).ToArray(), results[index]);
        }
    }
}
