using Ppml.Crypto.Container;
using Ppml.Testing;
using static Ppml.Crypto.Tests.Container.ContainerTestData;

namespace Ppml.Crypto.Tests.Container;

public sealed class PpmlContainerTests
{
    public static TheoryData<int, int> RoundTripSizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int segment in new[] { ContainerOptions.MinSegmentSize, 5000, 65536 })
        {
            foreach (int length in new[] { 0, 1, segment - 1, segment, segment + 1, (3 * segment) + 17, 4 * segment })
            {
                data.Add(segment, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTripSizes))]
    public async Task EncryptDecrypt_VariousSizes_RoundTrips(int segmentSize, int length)
    {
        byte[] key = Key(1);
        byte[] plaintext = Plaintext(length, length);

        byte[] container = await EncryptAsync(plaintext, key, segmentSize);

        int headerLength = HeaderLength(container);
        long segments = Math.Max(1, (length + segmentSize - 1) / segmentSize);
        Assert.Equal(headerLength + length + (segments * PpmlContainer.SegmentOverhead), container.Length);
        Assert.Equal(plaintext, await DecryptAsync(container, key));
    }

    [Fact]
    public async Task EncryptAsync_DefaultOptions_UsesOneMebibyteSegments()
    {
        byte[] key = Key(2);
        byte[] plaintext = Plaintext((1 << 20) + 5, 2);

        byte[] container = await EncryptAsync(plaintext, key, ContainerOptions.DefaultSegmentSize);
        using var output = new MemoryStream();
        await PpmlContainer.EncryptAsync(new MemoryStream(plaintext), output, key, KeyInfo(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1 << 20, PpmlContainer.ReadHeader(output.ToArray()).SegmentSize);
        Assert.Equal(container.Length, output.Length);
        Assert.Equal(plaintext, await DecryptAsync(output.ToArray(), key));
    }

    [Fact]
    public async Task DecryptAsync_NonSeekableTricklingInput_RoundTrips()
    {
        byte[] key = Key(3);
        byte[] plaintext = Plaintext((5 * SmallSegment) + 99, 3);
        byte[] container = await EncryptAsync(plaintext, key);
        using var output = new MemoryStream();

        await PpmlContainer.DecryptAsync(new NonSeekableStream(new MemoryStream(container), maxChunk: 777), output, key, TestContext.Current.CancellationToken);

        Assert.Equal(plaintext, output.ToArray());
    }

    [Fact]
    public async Task EncryptAsync_NonSeekableTricklingInput_ProducesSameLayout()
    {
        byte[] key = Key(4);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 1, 4);
        using var output = new MemoryStream();

        await PpmlContainer.EncryptAsync(
            new NonSeekableStream(new MemoryStream(plaintext), maxChunk: 1000), output, key, KeyInfo(),
            new ContainerOptions { SegmentSize = SmallSegment }, TestContext.Current.CancellationToken);

        Assert.Equal(HeaderLength(output.ToArray()) + plaintext.Length + (3 * 16), output.Length);
        Assert.Equal(plaintext, await DecryptAsync(output.ToArray(), key));
    }

    [Fact]
    public async Task EncryptAsync_SamePlaintextTwice_ProducesDifferentContainers()
    {
        byte[] key = Key(5);
        byte[] plaintext = Plaintext(100, 5);

        byte[] first = await EncryptAsync(plaintext, key);
        byte[] second = await EncryptAsync(plaintext, key);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task DecryptAsync_WrongKey_ThrowsAtHeaderAndWritesNothing()
    {
        byte[] container = await EncryptAsync(Plaintext(10_000, 6), Key(6));
        using var output = new MemoryStream();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => PpmlContainer.DecryptAsync(new MemoryStream(container), output, Key(7), TestContext.Current.CancellationToken));

        Assert.Null(exception.SegmentIndex);
        Assert.Contains("header", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task DecryptAsync_TamperedSecondSegment_ReleasesOnlyFirstSegment()
    {
        byte[] key = Key(8);
        byte[] plaintext = Plaintext(3 * SmallSegment, 8);
        byte[] container = await EncryptAsync(plaintext, key);
        container[HeaderLength(container) + SmallSegment + 16 + 5] ^= 0x01;
        using var output = new MemoryStream();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => PpmlContainer.DecryptAsync(new MemoryStream(container), output, key, TestContext.Current.CancellationToken));

        Assert.Equal(1, exception.SegmentIndex);
        Assert.Contains("Segment 1", exception.Message, StringComparison.Ordinal);
        Assert.Equal(plaintext.AsSpan(0, SmallSegment).ToArray(), output.ToArray());
    }

    [Fact]
    public async Task DecryptAsync_TruncatedAtSegmentBoundary_ThrowsForLastPresentSegment()
    {
        byte[] key = Key(9);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 10, 9);
        byte[] container = await EncryptAsync(plaintext, key);
        byte[] truncated = container.AsSpan(0, HeaderLength(container) + (2 * (SmallSegment + 16))).ToArray();
        using var output = new MemoryStream();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => PpmlContainer.DecryptAsync(new MemoryStream(truncated), output, key, TestContext.Current.CancellationToken));

        Assert.Equal(1, exception.SegmentIndex);
        Assert.Equal(SmallSegment, output.Length);
    }

    [Fact]
    public async Task DecryptAsync_HeaderOnly_ThrowsTruncatedSegmentZero()
    {
        byte[] key = Key(10);
        byte[] container = await EncryptAsync([], key);
        byte[] headerOnly = container.AsSpan(0, HeaderLength(container)).ToArray();

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(() => DecryptAsync(headerOnly, key));

        Assert.Equal(0, exception.SegmentIndex);
        Assert.Contains("truncated", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptAsync_EmptyPlaintext_WritesOneEmptyFinalSegment()
    {
        byte[] key = Key(11);

        byte[] container = await EncryptAsync([], key);

        Assert.Equal(HeaderLength(container) + 16, container.Length);
        Assert.Empty(await DecryptAsync(container, key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ContainerOptions.MinSegmentSize - 1)]
    [InlineData(ContainerOptions.MaxSegmentSize + 1)]
    [InlineData(-5)]
    public async Task EncryptAsync_SegmentSizeOutOfRange_Throws(int segmentSize)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => PpmlContainer.EncryptAsync(new MemoryStream(), Stream.Null, Key(1), KeyInfo(), new ContainerOptions { SegmentSize = segmentSize }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EncryptAsync_LargestSegmentSize_RoundTrips()
    {
        byte[] key = Key(12);
        byte[] plaintext = Plaintext(ContainerOptions.MaxSegmentSize + 3, 12);

        byte[] container = await EncryptAsync(plaintext, key, ContainerOptions.MaxSegmentSize);

        Assert.Equal(plaintext, await DecryptAsync(container, key));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public async Task EncryptAsync_DataKeyOfWrongSize_Throws(int size)
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => PpmlContainer.EncryptAsync(new MemoryStream(), Stream.Null, new byte[size], KeyInfo(), cancellationToken: TestContext.Current.CancellationToken));
    }

    public static TheoryData<ContainerKeyInfo> InvalidKeyInfos() =>
    [
        new ContainerKeyInfo("", 1, new byte[8]),
        new ContainerKeyInfo(new string('k', PpmlContainer.MaxKeyReferenceLength + 1), 1, new byte[8]),
        new ContainerKeyInfo(new string('é', (PpmlContainer.MaxKeyReferenceLength / 2) + 1), 1, new byte[8]),
        new ContainerKeyInfo("bad\ud800surrogate", 1, new byte[8]),
        new ContainerKeyInfo("key", -1, new byte[8]),
        new ContainerKeyInfo("key", 1, ReadOnlyMemory<byte>.Empty),
        new ContainerKeyInfo("key", 1, new byte[PpmlContainer.MaxWrappedDataKeyLength + 1]),
    ];

    [Theory]
    [MemberData(nameof(InvalidKeyInfos))]
    public async Task EncryptAsync_InvalidKeyInfo_ThrowsArgumentException(ContainerKeyInfo keyInfo)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(
            () => PpmlContainer.EncryptAsync(new MemoryStream(), Stream.Null, Key(1), keyInfo, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("keyInfo", exception.ParamName);
    }

    [Fact]
    public async Task EncryptAsync_LargestKeyReferenceAndWrappedKey_RoundTripsHeader()
    {
        var keyInfo = new ContainerKeyInfo(new string('€', PpmlContainer.MaxKeyReferenceLength / 3), int.MaxValue, RandomBytes(PpmlContainer.MaxWrappedDataKeyLength));
        byte[] key = Key(13);

        byte[] container = await EncryptAsync(Plaintext(10, 13), key, keyInfo: keyInfo);
        ContainerHeader header = PpmlContainer.ReadHeader(container);

        Assert.Equal(keyInfo.KeyReference, header.KeyReference);
        Assert.Equal(int.MaxValue, header.KeyVersion);
        Assert.Equal(keyInfo.WrappedDataKey.ToArray(), header.WrappedDataKey.ToArray());
        Assert.True(header.HeaderLength <= PpmlContainer.MaxHeaderLength);
        Assert.Equal(Plaintext(10, 13), await DecryptAsync(container, key));
    }

    [Fact]
    public async Task DecryptAsync_Cancelled_ThrowsOperationCanceled()
    {
        byte[] key = Key(14);
        byte[] container = await EncryptAsync(Plaintext(3 * SmallSegment, 14), key);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => PpmlContainer.DecryptAsync(new MemoryStream(container), Stream.Null, key, cancellation.Token));
    }

    [Fact]
    public async Task EncryptFileAsync_ThenDecryptFileAsync_RoundTripsAndReportsProgress()
    {
        using var directory = new TempDirectory();
        byte[] key = Key(15);
        byte[] plaintext = Plaintext((2 * SmallSegment) + 3, 15);
        string input = directory.Combine("data.csv");
        string encrypted = directory.Combine("data.csv.ppml");
        string decrypted = directory.Combine("out", "data.csv");
        await File.WriteAllBytesAsync(input, plaintext, TestContext.Current.CancellationToken);
        var encryptProgress = new RecordingProgress();
        var decryptProgress = new RecordingProgress();
        ContainerHeader? seen = null;

        await PpmlContainer.EncryptFileAsync(input, encrypted, key, KeyInfo("orders", 7), new ContainerOptions { SegmentSize = SmallSegment }, progress: encryptProgress, cancellationToken: TestContext.Current.CancellationToken);
        await PpmlContainer.DecryptFileAsync(
            encrypted,
            decrypted,
            (header, _) =>
            {
                seen = header;
                return ValueTask.FromResult(key.ToArray());
            },
            progress: decryptProgress,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(plaintext, await File.ReadAllBytesAsync(decrypted, TestContext.Current.CancellationToken));
        Assert.Equal("orders", seen!.KeyReference);
        Assert.Equal(7, seen.KeyVersion);
        Assert.Equal([SmallSegment, 2 * SmallSegment, plaintext.Length], encryptProgress.Values);
        Assert.Equal([SmallSegment, 2 * SmallSegment, plaintext.Length], decryptProgress.Values);
        Assert.Equal(["data.csv", "data.csv.ppml", "out"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName).Order());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(decrypted));
        }
    }

    [Fact]
    public async Task DecryptFileAsync_ZeroesTheUnwrappedKeyAfterUse()
    {
        using var directory = new TempDirectory();
        byte[] key = Key(16);
        string encrypted = directory.Combine("a.ppml");
        await File.WriteAllBytesAsync(encrypted, await EncryptAsync(Plaintext(100, 16), key), TestContext.Current.CancellationToken);
        byte[] handedOut = key.ToArray();

        await PpmlContainer.DecryptFileAsync(encrypted, directory.Combine("a.txt"), (_, _) => ValueTask.FromResult(handedOut), cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(handedOut, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task DecryptFileAsync_NotAContainer_ThrowsNamingPathWithoutCallingKms()
    {
        using var directory = new TempDirectory();
        string input = directory.Combine("plain.csv");
        string output = directory.Combine("out.csv");
        await File.WriteAllTextAsync(input, "id,name\n1,alice\n", TestContext.Current.CancellationToken);
        bool unwrapCalled = false;

        var exception = await Assert.ThrowsAsync<InvalidContainerException>(() => PpmlContainer.DecryptFileAsync(
            input,
            output,
            (_, _) =>
            {
                unwrapCalled = true;
                return ValueTask.FromResult(Key(1));
            },
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(input, exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a PPML container", exception.Message, StringComparison.Ordinal);
        Assert.Equal(input, exception.FilePath);
        Assert.Equal(0, exception.Offset);
        Assert.False(unwrapCalled);
        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task DecryptFileAsync_TamperedLastSegment_LeavesNoOutputAndNoTemporaryFile()
    {
        using var directory = new TempDirectory();
        byte[] key = Key(17);
        byte[] container = await EncryptAsync(Plaintext((3 * SmallSegment) + 5, 17), key);
        container[^3] ^= 0x80;
        string input = directory.Combine("t.ppml");
        string output = directory.Combine("t.bin");
        await File.WriteAllBytesAsync(input, container, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => PpmlContainer.DecryptFileAsync(input, output, (_, _) => ValueTask.FromResult(key.ToArray()), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, exception.SegmentIndex);
        Assert.Contains(input, exception.Message, StringComparison.Ordinal);
        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task DecryptFileAsync_WrongKey_LeavesNoOutput()
    {
        using var directory = new TempDirectory();
        string input = directory.Combine("w.ppml");
        await File.WriteAllBytesAsync(input, await EncryptAsync(Plaintext(50, 18), Key(18)), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ContainerAuthenticationException>(
            () => PpmlContainer.DecryptFileAsync(input, directory.Combine("w.txt"), (_, _) => ValueTask.FromResult(Key(19)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task DecryptFileAsync_UnwrapReturnsShortKey_ThrowsAndLeavesNoOutput()
    {
        using var directory = new TempDirectory();
        string input = directory.Combine("s.ppml");
        await File.WriteAllBytesAsync(input, await EncryptAsync(Plaintext(50, 20), Key(20)), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => PpmlContainer.DecryptFileAsync(input, directory.Combine("s.txt"), (_, _) => ValueTask.FromResult(new byte[16]), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task DecryptFileAsync_ExistingOutputWithoutOverwrite_ThrowsAndKeepsIt()
    {
        using var directory = new TempDirectory();
        byte[] key = Key(21);
        string input = directory.Combine("e.ppml");
        string output = directory.Combine("e.txt");
        await File.WriteAllBytesAsync(input, await EncryptAsync(Plaintext(50, 21), key), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(output, "keep me", TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IOException>(
            () => PpmlContainer.DecryptFileAsync(input, output, (_, _) => ValueTask.FromResult(key.ToArray()), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("keep me", await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));

        await PpmlContainer.DecryptFileAsync(input, output, (_, _) => ValueTask.FromResult(key.ToArray()), overwrite: true, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Plaintext(50, 21), await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EncryptFileAsync_CancelledMidway_LeavesNoOutput()
    {
        using var directory = new TempDirectory();
        string input = directory.Combine("big.bin");
        string output = directory.Combine("big.ppml");
        await File.WriteAllBytesAsync(input, Plaintext(10 * SmallSegment, 22), TestContext.Current.CancellationToken);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new RecordingProgress(onReport: value =>
        {
            if (value >= 3 * SmallSegment)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PpmlContainer.EncryptFileAsync(
            input, output, Key(22), KeyInfo(), new ContainerOptions { SegmentSize = SmallSegment }, progress: progress, cancellationToken: cancellation.Token));

        Assert.Equal(3 * SmallSegment, progress.Values[^1]);
        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task DecryptFileAsync_CancelledMidway_LeavesNoOutput()
    {
        using var directory = new TempDirectory();
        byte[] key = Key(23);
        string input = directory.Combine("c.ppml");
        string output = directory.Combine("c.bin");
        await File.WriteAllBytesAsync(input, await EncryptAsync(Plaintext(10 * SmallSegment, 23), key), TestContext.Current.CancellationToken);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new RecordingProgress(onReport: value =>
        {
            if (value >= 2 * SmallSegment)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PpmlContainer.DecryptFileAsync(
            input, output, (_, _) => ValueTask.FromResult(key.ToArray()), progress: progress, cancellationToken: cancellation.Token));

        Assert.Equal([input], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task EncryptFileAsync_ExistingOutputWithoutOverwrite_Throws()
    {
        using var directory = new TempDirectory();
        string input = directory.Combine("x.bin");
        string output = directory.Combine("x.ppml");
        await File.WriteAllBytesAsync(input, [1, 2, 3], TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(output, [9], TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IOException>(() => PpmlContainer.EncryptFileAsync(input, output, Key(24), KeyInfo(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal([9], await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void LooksLikeContainer_ChecksMagicOnly()
    {
        Assert.True(PpmlContainer.LooksLikeContainer([0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A]));
        Assert.True(PpmlContainer.LooksLikeContainer([0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A, 0xFF]));
        Assert.False(PpmlContainer.LooksLikeContainer([0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A]));
        Assert.False(PpmlContainer.LooksLikeContainer("PAR1...."u8));
        Assert.False(PpmlContainer.LooksLikeContainer([]));
    }

    /// <summary>Synchronous progress sink (Progress&lt;T&gt; posts asynchronously, which would race the test).</summary>
    private sealed class RecordingProgress(Action<long>? onReport = null) : IProgress<long>
    {
        public List<long> Values { get; } = [];

        public void Report(long value)
        {
            Values.Add(value);
            onReport?.Invoke(value);
        }
    }
}
