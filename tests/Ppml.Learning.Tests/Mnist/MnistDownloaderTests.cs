using Ppml.Learning.Mnist;
using Ppml.Testing;

namespace Ppml.Learning.Tests.Mnist;

public sealed class MnistDownloaderTests
{
    [Fact]
    public async Task FetchAsync_FromLoopbackServer_WritesVerifiedFilesAndSkipsThemNextTime()
    {
        Dictionary<string, byte[]> originals = await ReadOriginalsAsync();
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]>(originals));
        using var directory = new TempDirectory();
        using var http = new HttpClient();
        var reports = new List<DownloadProgress>();

        IReadOnlyList<string> paths = await MnistDownloader.FetchAsync(
            server.BaseUrl, directory.Path, http, new SynchronousProgress(reports), TestContext.Current.CancellationToken);

        Assert.Equal(4, paths.Count);
        foreach (string path in paths)
        {
            Assert.Equal(originals[Path.GetFileName(path)], await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        }

        Assert.Equal(4, Directory.GetFiles(directory.Path).Length);
        Assert.Contains(reports, r => r.File == "train-images-idx3-ubyte.gz" && r.BytesReceived == 9912422 && !r.AlreadyPresent);
        int requests = server.Requests;

        reports.Clear();
        await MnistDownloader.FetchAsync(server.BaseUrl, directory.Path, http, new SynchronousProgress(reports), TestContext.Current.CancellationToken);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(4, reports.Count(r => r.AlreadyPresent));

        MnistData test = await MnistData.LoadDirectoryAsync(directory.Path, MnistSplit.Test, TestContext.Current.CancellationToken);
        Assert.Equal(10000, test.Count);
    }

    [Fact]
    public async Task FetchAsync_CorruptedFile_IsRefusedAndLeavesNoFile()
    {
        Dictionary<string, byte[]> files = await ReadOriginalsAsync();
        byte[] labels = (byte[])files["train-labels-idx1-ubyte.gz"].Clone();
        labels[1000] ^= 0x01;
        files["train-labels-idx1-ubyte.gz"] = labels;
        await using var server = new LoopbackHttpServer(files);
        using var directory = new TempDirectory();
        using var http = new HttpClient();

        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => MnistDownloader.FetchAsync(server.BaseUrl, directory.Path, http, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith(server.BaseUrl + "train-labels-idx1-ubyte.gz: SHA-256 is ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["train-images-idx3-ubyte.gz"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task FetchAsync_ShortFile_IsRefusedAsTruncated()
    {
        Dictionary<string, byte[]> files = await ReadOriginalsAsync();
        files["train-images-idx3-ubyte.gz"] = files["train-images-idx3-ubyte.gz"][..5000];
        await using var server = new LoopbackHttpServer(files);
        using var directory = new TempDirectory();
        using var http = new HttpClient();

        var exception = await Assert.ThrowsAsync<LearningFormatException>(
            () => MnistDownloader.FetchAsync(new Uri(server.BaseUrl.AbsoluteUri.TrimEnd('/')), directory.Path, http, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("sent 5000 bytes, expected 9912422; the download is truncated", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task FetchAsync_MissingOnServer_ThrowsHttpRequestException()
    {
        await using var server = new LoopbackHttpServer([]);
        using var directory = new TempDirectory();
        using var http = new HttpClient();

        var exception = await Assert.ThrowsAsync<HttpRequestException>(
            () => MnistDownloader.FetchAsync(server.BaseUrl, directory.Path, http, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("answered 404", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void Files_MatchTheSharedReadme()
    {
        string readme = File.ReadAllText(SharedData.PathOf("data", "mnist", "README.md"));
        foreach (MnistFile file in MnistDownloader.Files)
        {
            Assert.Contains($"| {file.Name} | {file.Size} |", readme, StringComparison.Ordinal);
            Assert.Contains($"| {file.Md5} | {file.Sha256} |", readme, StringComparison.Ordinal);
        }
    }

    private static async Task<Dictionary<string, byte[]>> ReadOriginalsAsync()
    {
        var files = new Dictionary<string, byte[]>();
        foreach (MnistFile file in MnistDownloader.Files)
        {
            files[file.Name] = await File.ReadAllBytesAsync(SharedData.PathOf("data", "mnist", file.Name), TestContext.Current.CancellationToken);
        }

        return files;
    }

    private sealed class SynchronousProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
