using Ppml.Core.IO;
using Ppml.Testing;

namespace Ppml.Core.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public async Task WriteAsync_CallbackThrows_KeepsOldContentAndLeavesNoTemporary()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("data.bin");
        await File.WriteAllTextAsync(path, "old", TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicFile.WriteAsync(
            path,
            async (stream, token) =>
            {
                await stream.WriteAsync("partial"u8.ToArray(), token);
                throw new InvalidOperationException("boom");
            },
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("old", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task WriteAllBytesAsync_NoOverwriteAndExisting_Throws()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("x");
        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 1 }, overwrite: false, cancellationToken: TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IOException>(() =>
            AtomicFile.WriteAllBytesAsync(path, new byte[] { 2 }, overwrite: false, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(new byte[] { 1 }, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WriteAllBytesAsync_OwnerOnlyMode_IsAppliedWhereFilesHaveModes()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("secret");

        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 1 }, mode: AtomicFile.OwnerOnly, cancellationToken: TestContext.Current.CancellationToken);

        // Windows has no Unix modes: the mode is ignored there (ACLs apply), and the file is still written.
        Assert.Equal(new byte[] { 1 }, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(path));
        }
    }
}
