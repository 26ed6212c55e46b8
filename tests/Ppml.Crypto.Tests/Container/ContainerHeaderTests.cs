using System.Buffers.Binary;
using Ppml.Crypto.Container;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

public sealed class ContainerHeaderTests
{
    [Fact]
    public async Task ReadHeader_WrittenContainer_ExposesKeyInfoAndLayout()
    {
        var keyInfo = new ContainerKeyInfo("file:/var/lib/ppml/keys#données", 42, new byte[] { 1, 2, 3, 4, 5 });
        byte[] container = await EncryptAsync(Plaintext(10, 1), Key(1), 8192, keyInfo);

        ContainerHeader header = PpmlContainer.ReadHeader(container);

        Assert.Equal(1, header.FormatVersion);
        Assert.Equal(ContainerAlgorithm.Aes256GcmHkdfSha256, header.Algorithm);
        Assert.Equal(8192, header.SegmentSize);
        Assert.Equal(keyInfo.KeyReference, header.KeyReference);
        Assert.Equal(42, header.KeyVersion);
        Assert.Equal(keyInfo.WrappedDataKey.ToArray(), header.WrappedDataKey.ToArray());
        Assert.Equal(95 + 32 + 5, header.HeaderLength);
        Assert.Equal(keyInfo.KeyReference, header.KeyInfo.KeyReference);
    }

    [Fact]
    public async Task ReadHeaderAsync_LeavesStreamAtFirstSegment()
    {
        byte[] container = await EncryptAsync(Plaintext(10, 2), Key(2));
        using var stream = new MemoryStream(container);

        ContainerHeader header = await PpmlContainer.ReadHeaderAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(header.HeaderLength, stream.Position);
        Assert.Equal(PpmlContainer.ReadHeader(container).KeyReference, header.KeyReference);
    }

    [Fact]
    public async Task ReadHeaderAsync_TricklingNonSeekableStream_ReadsExactlyTheHeader()
    {
        byte[] container = await EncryptAsync(Plaintext(10, 3), Key(3));
        var inner = new MemoryStream(container);
        using var stream = new NonSeekableStream(inner, maxChunk: 3);

        ContainerHeader header = await PpmlContainer.ReadHeaderAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(header.HeaderLength, inner.Position);
    }

    [Fact]
    public async Task ReadHeader_EveryTruncation_ThrowsInvalidContainerNamingOffset()
    {
        byte[] container = await EncryptAsync([], Key(4));
        int headerLength = HeaderLength(container);

        for (int length = 0; length < headerLength; length++)
        {
            byte[] prefix = container.AsSpan(0, length).ToArray();
            var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(prefix));
            Assert.Equal(length, exception.Offset);
            Assert.Contains("truncated", exception.Message, StringComparison.Ordinal);

            var asyncException = await Assert.ThrowsAsync<InvalidContainerException>(
                () => PpmlContainer.ReadHeaderAsync(new MemoryStream(prefix), TestContext.Current.CancellationToken));
            Assert.Equal(length, asyncException.Offset);
        }
    }

    [Fact]
    public void ReadHeader_ZipFile_ReportsMagicMismatch()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00];

        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(zip));

        Assert.Contains("not a PPML container", exception.Message, StringComparison.Ordinal);
        Assert.Contains("89505", exception.Message, StringComparison.Ordinal);
        Assert.Contains("504B0304", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, exception.Offset);
    }

    [Fact]
    public void ReadHeader_ShortNonContainer_ReportsMagicMismatchRatherThanTruncation()
    {
        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader("hi"u8));

        Assert.Contains("not a PPML container", exception.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, uint, string> MalformedFields() => new()
    {
        { "version 2", 8, 2, "format version" },
        { "version 0", 8, 0, "format version" },
        { "algorithm 2", 10, 2, "algorithm" },
        { "segment size below minimum", 12, ContainerOptions.MinSegmentSize - 1, "segment size" },
        { "segment size above maximum", 12, ContainerOptions.MaxSegmentSize + 1, "segment size" },
        { "segment size negative as int", 12, 0x8000_0000, "segment size" },
        { "key version negative", 16, 0xFFFF_FFFF, "key version" },
        { "empty key reference", 20, 0, "key reference length" },
        { "key reference too long", 20, PpmlContainer.MaxKeyReferenceLength + 1, "key reference length" },
        { "empty wrapped key", 22, 0, "wrapped data key length" },
        { "wrapped key too long", 22, PpmlContainer.MaxWrappedDataKeyLength + 1, "wrapped data key length" },
    };

    [Theory]
    [MemberData(nameof(MalformedFields))]
    public async Task ReadHeader_MalformedField_ThrowsNamingFieldAndOffset(string description, int offset, uint value, string field)
    {
        byte[] container = await EncryptAsync([], Key(5));
        if (offset is 8 or 10 or 20 or 22)
        {
            BinaryPrimitives.WriteUInt16BigEndian(container.AsSpan(offset), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(container.AsSpan(offset), value);
        }

        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(container));

        Assert.Equal(offset, exception.Offset);
        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {offset}", exception.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(description));
    }

    [Fact]
    public async Task ReadHeader_UnsupportedVersion_SaysWhichVersionsAreSupported()
    {
        byte[] container = await EncryptAsync([], Key(6));
        container[9] = 9;

        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(container));

        Assert.Contains("version 9", exception.Message, StringComparison.Ordinal);
        Assert.Contains("supports version 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHeader_InvalidUtf8KeyReference_Throws()
    {
        byte[] container = await EncryptAsync([], Key(7), keyInfo: new ContainerKeyInfo("abc", 1, new byte[4]));
        container[63] = 0xC3;
        container[64] = 0x28;

        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(container));

        Assert.Equal(63, exception.Offset);
        Assert.Contains("UTF-8", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHeader_LengthFieldPointsPastData_ThrowsTruncated()
    {
        byte[] container = await EncryptAsync([], Key(8));
        BinaryPrimitives.WriteUInt16BigEndian(container.AsSpan(22), PpmlContainer.MaxWrappedDataKeyLength);

        var exception = Assert.Throws<InvalidContainerException>(() => PpmlContainer.ReadHeader(container));

        Assert.Contains("truncated", exception.Message, StringComparison.Ordinal);
        Assert.Equal(container.Length, exception.Offset);
    }

    [Fact]
    public void ReadHeader_RandomGarbage_OnlyEverThrowsInvalidContainer()
    {
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            byte[] data = new byte[random.Next(0, 400)];
            random.NextBytes(data);
            if (random.Next(2) == 0 && data.Length >= 8)
            {
                // Half of the inputs get the right magic so parsing reaches the later fields.
                new byte[] { 0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A, 0, 1, 0, 1 }.AsSpan(0, Math.Min(12, data.Length)).CopyTo(data);
            }

            try
            {
                PpmlContainer.ReadHeader(data);
            }
            catch (InvalidContainerException)
            {
                // Expected for almost every input; anything else fails the test.
            }
        }
    }
}
