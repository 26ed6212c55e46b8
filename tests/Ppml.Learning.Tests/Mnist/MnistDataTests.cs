using Ppml.Learning.Mnist;
using Ppml.Testing;

namespace Ppml.Learning.Tests.Mnist;

public sealed class MnistDataTests
{
    [Fact]
    public async Task LoadDirectoryAsync_SharedMnist_HasKnownCountsAndLabels()
    {
        string directory = SharedData.PathOf("data", "mnist");
        MnistData train = await MnistData.LoadDirectoryAsync(directory, MnistSplit.Train, TestContext.Current.CancellationToken);
        MnistData test = await MnistData.LoadDirectoryAsync(directory, MnistSplit.Test, TestContext.Current.CancellationToken);

        Assert.Equal((60000, 28, 28), (train.Count, train.Rows, train.Columns));
        Assert.Equal(10000, test.Count);
        Assert.Equal([5, 0, 4, 1, 9], train.Labels[..5].ToArray());
        Assert.Equal([7, 2, 1, 0, 4], test.Labels[..5].ToArray());
        Assert.Equal(47040000, train.Images.Length);
    }

    [Fact]
    public async Task LoadAsync_RawAndGzip_GiveTheSameData()
    {
        byte[] images = IdxBuilder.Images(3);
        byte[] labels = IdxBuilder.Labels(1, 2, 3);
        MnistData raw = await MnistData.LoadAsync(new MemoryStream(images), new MemoryStream(labels), cancellationToken: TestContext.Current.CancellationToken);
        MnistData gzip = await MnistData.LoadAsync(
            new MemoryStream(IdxBuilder.Gzip(images)), new MemoryStream(IdxBuilder.Gzip(labels)), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(raw.Images.ToArray(), gzip.Images.ToArray());
        Assert.Equal([1, 2, 3], gzip.Labels.ToArray());
        Assert.Equal(images.AsSpan(16).ToArray(), raw.Images.ToArray());
    }

    [Fact]
    public async Task LoadAsync_LabelFileAsImages_ReportsRankAndMagic()
    {
        var exception = await LoadFailsAsync(IdxBuilder.Labels(1, 2), IdxBuilder.Labels(1, 2));
        Assert.Equal("images: IDX rank at offset 3 is 1, expected 3 (magic 0x00000801, expected 0x00000803)", exception.Message);
    }

    [Fact]
    public async Task LoadAsync_NotIdx_ReportsMagic()
    {
        var exception = await LoadFailsAsync("PK\u0003\u0004 not idx"u8.ToArray(), IdxBuilder.Labels(1));
        Assert.Equal("images: IDX magic at offset 0 is 0x504B0304, expected 0x00000803; this is not an IDX file", exception.Message);
    }

    [Fact]
    public async Task LoadAsync_WrongElementType_IsRefused()
    {
        byte[] images = IdxBuilder.Images(1);
        images[2] = 0x0D;
        var exception = await LoadFailsAsync(images, IdxBuilder.Labels(1));
        Assert.Contains("element type at offset 2 is 0x0D", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_EveryTruncation_IsRefused()
    {
        byte[] images = IdxBuilder.Images(2, 3, 3);
        for (int length = 0; length < images.Length; length++)
        {
            var exception = await LoadFailsAsync(images[..length], IdxBuilder.Labels(1, 2));
            Assert.StartsWith("images: truncated at offset", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LoadAsync_TruncatedGzip_IsRefused()
    {
        byte[] gzip = IdxBuilder.Gzip(IdxBuilder.Images(50));
        var exception = await LoadFailsAsync(gzip[..(gzip.Length / 2)], IdxBuilder.Labels(new byte[50]));
        Assert.StartsWith("images", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_CorruptGzip_IsRefused()
    {
        byte[] gzip = IdxBuilder.Gzip(IdxBuilder.Images(50));
        for (int i = 12; i < 40; i++)
        {
            gzip[i] ^= 0xA5;
        }

        var exception = await LoadFailsAsync(gzip, IdxBuilder.Labels(new byte[50]));
        Assert.StartsWith("images", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MismatchedCounts_IsRefused()
    {
        var exception = await LoadFailsAsync(IdxBuilder.Images(3), IdxBuilder.Labels(1, 2));
        Assert.Equal("labels: has 2 labels but images has 3 images; the counts must match", exception.Message);
    }

    [Fact]
    public async Task LoadAsync_LabelOutOfRange_IsRefused()
    {
        var exception = await LoadFailsAsync(IdxBuilder.Images(2), IdxBuilder.Labels(3, 10));
        Assert.Equal("labels: label 1 (offset 9) is 10, expected 0..9", exception.Message);
    }

    [Fact]
    public async Task LoadAsync_TrailingBytes_IsRefused()
    {
        var exception = await LoadFailsAsync([.. IdxBuilder.Images(1), 0], IdxBuilder.Labels(1));
        Assert.Contains("unexpected bytes after", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_HeaderClaimsMoreImagesThanPresent_ReportsTruncation()
    {
        byte[] images = IdxBuilder.Images(10);
        images[5] = 0x10; // claims 1,048,586 images: 822 MB that are not there
        var exception = await LoadFailsAsync(images, IdxBuilder.Labels(1));
        Assert.Equal("images: truncated at offset 7856: expected 822091424 data bytes for dimensions 1048586x28x28 from offset 16, got 7840", exception.Message);
    }

    [Fact]
    public async Task LoadAsync_HugeDimensions_IsRefusedBeforeAllocating()
    {
        byte[] images = IdxBuilder.Images(1);
        images[4] = 0x7F;
        var exception = await LoadFailsAsync(images, IdxBuilder.Labels(1));
        Assert.Contains("more than", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadDirectoryAsync_MissingFiles_SaysHowToFetch()
    {
        using var directory = new TempDirectory();
        var exception = await Assert.ThrowsAsync<FileNotFoundException>(
            () => MnistData.LoadDirectoryAsync(directory.Path, MnistSplit.Test, TestContext.Current.CancellationToken));
        Assert.Contains("ppml datasets fetch mnist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadDirectoryAsync_UncompressedFiles_AreFound()
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.Combine("t10k-images-idx3-ubyte"), IdxBuilder.Images(2), TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(directory.Combine("t10k-labels-idx1-ubyte.gz"), IdxBuilder.Gzip(IdxBuilder.Labels(4, 5)), TestContext.Current.CancellationToken);
        MnistData data = await MnistData.LoadDirectoryAsync(directory.Path, MnistSplit.Test, TestContext.Current.CancellationToken);
        Assert.Equal([4, 5], data.Labels.ToArray());
    }

    private static Task<LearningFormatException> LoadFailsAsync(byte[] images, byte[] labels) =>
        Assert.ThrowsAsync<LearningFormatException>(() => MnistData.LoadAsync(
            new MemoryStream(images), new MemoryStream(labels), cancellationToken: TestContext.Current.CancellationToken));
}
