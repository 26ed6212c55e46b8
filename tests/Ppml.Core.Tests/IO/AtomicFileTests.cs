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

    [Fact]
    public async Task WriteAsync_AfterTheRename_FlushesTheParentDirectory()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("nested", "dir");
        string path = Path.Combine(directory, "data.bin");
        var flushed = new System.Collections.Concurrent.ConcurrentQueue<(string Directory, bool FileExists)>();
        using IDisposable observation = DirectorySync.Observe(observed =>
        {
            if (observed.StartsWith(temp.Path, StringComparison.Ordinal))
            {
                flushed.Enqueue((observed, File.Exists(path)));
            }
        });

        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 7 }, cancellationToken: TestContext.Current.CancellationToken);

        // The flush comes after the rename (the file is already there) and goes to the file's own directory.
        Assert.Equal([(directory, true)], flushed);
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public async Task Create_CommitLater_WritesTheFileAndDisposeWithoutCommitLeavesNothing()
    {
        using var temp = new TempDirectory();
        string committed = temp.Combine("committed.bin");
        string abandoned = temp.Combine("abandoned.bin");

        await using (PendingFile file = AtomicFile.Create(committed))
        {
            await file.Stream.WriteAsync(new byte[] { 1, 2 }, TestContext.Current.CancellationToken);
            Assert.False(File.Exists(committed));
            await file.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using (PendingFile file = AtomicFile.Create(abandoned))
        {
            await file.Stream.WriteAsync(new byte[] { 3 }, TestContext.Current.CancellationToken);
        }

        Assert.Equal(new byte[] { 1, 2 }, await File.ReadAllBytesAsync(committed, TestContext.Current.CancellationToken));
        Assert.Equal([committed], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void DirectorySync_ExistingDirectory_Succeeds()
    {
        using var temp = new TempDirectory();

        DirectorySync.Flush(temp.Path);
    }

    [Fact]
    public void DirectorySync_MissingDirectory_ThrowsWhereDirectoriesAreSynced()
    {
        using var temp = new TempDirectory();
        string missing = temp.Combine("missing");

        if (OperatingSystem.IsWindows())
        {
            DirectorySync.Flush(missing);
        }
        else
        {
            IOException exception = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
            Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
        }
    }
}
