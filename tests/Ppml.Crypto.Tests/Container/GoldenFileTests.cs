using System.Text.Json;
using Ppml.Crypto.Container;
using Ppml.Testing;

namespace Ppml.Crypto.Tests.Container;

/// <summary>
/// Containers committed when format v1 shipped (TestData/golden, written by TestData/golden/generate.cs and listed in
/// golden.json with their test-only keys).
/// Readers must decrypt them forever (STYLE.md §4: readers accept every version we have shipped).
/// </summary>
public sealed class GoldenFileTests
{
    private static readonly string s_directory = Path.Combine(AppContext.BaseDirectory, "TestData", "golden");

    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement entry in Entries())
        {
            data.Add(entry.GetProperty("container").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task DecryptAsync_GoldenFile_EqualsRecordedPlaintext(string file)
    {
        JsonElement entry = Entry(file);
        byte[] container = await File.ReadAllBytesAsync(Path.Combine(s_directory, file), TestContext.Current.CancellationToken);
        byte[] plaintext = await File.ReadAllBytesAsync(Path.Combine(s_directory, entry.GetProperty("plaintext").GetString()!), TestContext.Current.CancellationToken);
        byte[] dataKey = Convert.FromHexString(entry.GetProperty("dataKey").GetString()!);
        using var output = new MemoryStream();

        await PpmlContainer.DecryptAsync(new MemoryStream(container), output, dataKey, TestContext.Current.CancellationToken);

        Assert.Equal(plaintext, output.ToArray());
        Assert.Equal(entry.GetProperty("plaintextLength").GetInt32(), plaintext.Length);
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task ReadHeader_GoldenFile_MatchesRecordedKeyInfo(string file)
    {
        JsonElement entry = Entry(file);
        byte[] container = await File.ReadAllBytesAsync(Path.Combine(s_directory, file), TestContext.Current.CancellationToken);

        ContainerHeader header = PpmlContainer.ReadHeader(container);

        Assert.Equal(entry.GetProperty("formatVersion").GetInt32(), header.FormatVersion);
        Assert.Equal(ContainerAlgorithm.Aes256GcmHkdfSha256, header.Algorithm);
        Assert.Equal(entry.GetProperty("segmentSize").GetInt32(), header.SegmentSize);
        Assert.Equal(entry.GetProperty("keyReference").GetString(), header.KeyReference);
        Assert.Equal(entry.GetProperty("keyVersion").GetInt32(), header.KeyVersion);
        Assert.Equal(Convert.FromHexString(entry.GetProperty("wrappedDataKey").GetString()!), header.WrappedDataKey.ToArray());
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task DecryptFileAsync_GoldenFile_WritesRecordedPlaintextAndUnwrapsWithHeader(string file)
    {
        JsonElement entry = Entry(file);
        using var directory = new TempDirectory();
        string output = directory.Combine("plain");
        byte[] dataKey = Convert.FromHexString(entry.GetProperty("dataKey").GetString()!);

        await PpmlContainer.DecryptFileAsync(
            Path.Combine(s_directory, file),
            output,
            (header, _) =>
            {
                Assert.Equal(entry.GetProperty("keyReference").GetString(), header.KeyReference);
                return ValueTask.FromResult(dataKey.ToArray());
            },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(s_directory, entry.GetProperty("plaintext").GetString()!), TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task ContainerReader_GoldenFile_RandomAccessMatchesPlaintext(string file)
    {
        JsonElement entry = Entry(file);
        byte[] plaintext = await File.ReadAllBytesAsync(Path.Combine(s_directory, entry.GetProperty("plaintext").GetString()!), TestContext.Current.CancellationToken);
        byte[] dataKey = Convert.FromHexString(entry.GetProperty("dataKey").GetString()!);
        using var reader = await ContainerReader.OpenAsync(File.OpenRead(Path.Combine(s_directory, file)), dataKey, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(entry.GetProperty("segmentCount").GetInt64(), reader.SegmentCount);
        Assert.Equal(plaintext.Length, reader.PlaintextLength);
        byte[] buffer = new byte[reader.SegmentSize];
        for (long index = reader.SegmentCount - 1; index >= 0; index--)
        {
            int read = await reader.ReadSegmentAsync(index, buffer, TestContext.Current.CancellationToken);
            Assert.Equal(plaintext.AsSpan((int)(index * reader.SegmentSize), read).ToArray(), buffer.AsSpan(0, read).ToArray());
        }
    }

    [Fact]
    public void GoldenDirectory_EveryContainerIsListed()
    {
        string[] onDisk = [.. Directory.GetFiles(s_directory, "*.ppml").Select(Path.GetFileName).Order()!];
        string[] listed = [.. Entries().Select(e => e.GetProperty("container").GetString()!).Order()];

        Assert.Equal(listed, onDisk);
        Assert.True(listed.Length >= 5);
    }

    private static JsonElement.ArrayEnumerator Entries()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_directory, "golden.json")));
        return document.RootElement.Clone().GetProperty("files").EnumerateArray();
    }

    private static JsonElement Entry(string file) => Entries().Single(e => e.GetProperty("container").GetString() == file);
}
