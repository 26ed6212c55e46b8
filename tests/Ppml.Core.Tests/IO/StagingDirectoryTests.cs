using Ppml.Core.IO;
using Ppml.Testing;

namespace Ppml.Core.Tests.IO;

public class StagingDirectoryTests
{
    [Fact]
    public void Commit_NewTarget_MovesTheStagingDirectoryIntoPlace()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "a.txt"), "new");
            staging.Commit(replace: false);
            Assert.True(staging.IsCommitted);
        }

        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Commit_ReplaceExisting_OldContentIsGone()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "new.txt"), "new");
            staging.Commit(replace: true);
        }

        Assert.Equal([Path.Combine(target, "new.txt")], Directory.GetFileSystemEntries(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Commit_ExistingTargetWithoutReplace_ThrowsAndLeavesTheTargetAlone()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "new.txt"), "new");
            IOException exception = Assert.Throws<IOException>(() => staging.Commit(replace: false));
            Assert.Contains(target, exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal([Path.Combine(target, "old.txt")], Directory.GetFileSystemEntries(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Dispose_WithoutCommit_DeletesTheStagingAndLeavesTheTargetUntouched()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            Directory.CreateDirectory(Path.Combine(staging.Path, "sub"));
            File.WriteAllText(Path.Combine(staging.Path, "sub", "half.txt"), "half");
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "old.txt")));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Commit_FailsAfterTheOldTargetMovedAside_PutsTheOldTargetBack()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            // The staging directory vanishes (another process, a full disk's cleanup): the move into place fails
            // after the old target was moved aside.
            Directory.Delete(staging.Path, recursive: true);
            Assert.ThrowsAny<IOException>(() => staging.Commit(replace: true));
            Assert.False(staging.IsCommitted);
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "old.txt")));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Commit_TargetParentRemoved_FailsAndLeavesNothingBehind()
    {
        using var temp = new TempDirectory();
        string parent = temp.Combine("parent");
        string target = Path.Combine(parent, "out");

        StagingDirectory staging = StagingDirectory.Create(target);
        using (staging)
        {
            Directory.Delete(parent, recursive: true);
            Assert.ThrowsAny<IOException>(() => staging.Commit(replace: true));
        }

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Create_NamesTheStagingDirectoryAfterTheTarget()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("results") + Path.DirectorySeparatorChar;

        using StagingDirectory first = StagingDirectory.Create(target);
        using StagingDirectory second = StagingDirectory.Create(target);

        Assert.Equal(temp.Combine("results"), first.Target);
        Assert.StartsWith(temp.Combine("results.tmp-"), first.Path, StringComparison.Ordinal);
        Assert.Matches(@"\.tmp-[0-9a-f]{8}$", first.Path);
        Assert.NotEqual(first.Path, second.Path);
        Assert.True(Directory.Exists(first.Path));
        Assert.Empty(Directory.GetFileSystemEntries(first.Path));
    }

    [Fact]
    public void Create_OwnerOnlyMode_IsAppliedWhereDirectoriesHaveModes()
    {
        using var temp = new TempDirectory();
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

        using StagingDirectory staging = StagingDirectory.Create(temp.Combine("out"), ownerOnly);

        Assert.True(Directory.Exists(staging.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(ownerOnly, File.GetUnixFileMode(staging.Path));
        }
    }

    [Fact]
    public void Commit_FlushesTheStagingTreeAndTheParentDirectory()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        var flushed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using IDisposable observation = DirectorySync.Observe(directory =>
        {
            if (directory.StartsWith(temp.Path, StringComparison.Ordinal))
            {
                flushed.Enqueue(directory);
            }
        });

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            Directory.CreateDirectory(Path.Combine(staging.Path, "sub"));
            staging.Commit(replace: false);
            Assert.Contains(Path.Combine(staging.Path, "sub"), flushed);
            Assert.Contains(staging.Path, flushed);
        }

        Assert.Contains(temp.Path, flushed);
    }

    [Fact]
    public void CommitByMerging_ExistingTarget_ReplacesSameNamesAndKeepsOtherEntries()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");
        File.WriteAllText(Path.Combine(target, "same.txt"), "old");

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "same.txt"), "new");
            Directory.CreateDirectory(Path.Combine(staging.Path, "sub"));
            File.WriteAllText(Path.Combine(staging.Path, "sub", "deep.txt"), "deep");
            staging.CommitByMerging();
        }

        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "same.txt")));
        Assert.Equal("deep", File.ReadAllText(Path.Combine(target, "sub", "deep.txt")));
        Assert.Equal([target], Directory.GetFileSystemEntries(temp.Path));
    }
}
