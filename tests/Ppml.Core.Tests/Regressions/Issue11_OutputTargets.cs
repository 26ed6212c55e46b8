using Ppml.Core.IO;
using Ppml.Testing;

namespace Ppml.Core.Tests.Regressions;

/// <summary>
/// Issue 11, items 5-7: a trailing slash on an output, symbolic links and special files as outputs, and what a killed
/// run leaves behind (unnamed temporaries, stale temporaries removed by the next run).
/// </summary>
public class Issue11_OutputTargets
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AtomicFile_TrailingSeparatorOnMissingPath_RefusesAndCreatesNothing()
    {
        // The symptom: 'decrypt --in f.ppml --out y/' created y/ with a temporary inside, then failed to rename onto 'y/'.
        using var temp = new TempDirectory();
        string path = temp.Combine("y") + Path.DirectorySeparatorChar;

        InvalidOutputException refused = await Assert.ThrowsAsync<InvalidOutputException>(
            () => AtomicFile.WriteAllBytesAsync(path, new byte[] { 1 }, cancellationToken: Token));

        Assert.Contains("names a directory", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task AtomicFile_ExistingDirectory_RefusesWithOneLine()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("dir");
        Directory.CreateDirectory(path);

        InvalidOutputException refused = await Assert.ThrowsAsync<InvalidOutputException>(
            () => AtomicFile.WriteAllBytesAsync(path, new byte[] { 1 }, cancellationToken: Token));

        Assert.Equal($"'{path}' is a directory; give a file name.", refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
    }

    [Fact]
    public async Task AtomicFile_SymbolicLinkToFile_ReplacesTheFileAndKeepsTheLink()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var temp = new TempDirectory();
        string real = temp.Combine("real.txt");
        await File.WriteAllTextAsync(real, "old", Token);
        string link = temp.Combine("link.txt");
        File.CreateSymbolicLink(link, real);

        await AtomicFile.WriteAllBytesAsync(link, "new"u8.ToArray(), overwrite: true, cancellationToken: Token);

        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal("new", await File.ReadAllTextAsync(real, Token));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(temp.Path).Count());
    }

    [Fact]
    public async Task AtomicFile_SymbolicLinkToFileWithoutOverwrite_RefusesAndKeepsBoth()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var temp = new TempDirectory();
        string real = temp.Combine("real.txt");
        await File.WriteAllTextAsync(real, "old", Token);
        string link = temp.Combine("link.txt");
        File.CreateSymbolicLink(link, real);

        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAllBytesAsync(link, "new"u8.ToArray(), overwrite: false, cancellationToken: Token));

        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal("old", await File.ReadAllTextAsync(real, Token));
    }

    [Fact]
    public async Task AtomicFile_DanglingSymbolicLink_RefusesAndKeepsTheLink()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var temp = new TempDirectory();
        string link = temp.Combine("link.txt");
        File.CreateSymbolicLink(link, temp.Combine("missing.txt"));

        InvalidOutputException refused = await Assert.ThrowsAsync<InvalidOutputException>(
            () => AtomicFile.WriteAllBytesAsync(link, "new"u8.ToArray(), overwrite: true, cancellationToken: Token));

        Assert.Contains("dangling", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(temp.Combine("missing.txt")));
    }

    [Fact]
    public async Task AtomicFile_SymbolicLinkToDevNullWithOverwrite_WritesThroughAndNeverReplacesTheLink()
    {
        // The symptom: '--out /dev/stdout --force' replaced the /dev/stdout link with a plaintext file.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/dev/null as a character device is checked on Linux");
        using var temp = new TempDirectory();
        string link = temp.Combine("sink");
        File.CreateSymbolicLink(link, "/dev/null");

        await AtomicFile.WriteAllBytesAsync(link, "secret"u8.ToArray(), overwrite: true, cancellationToken: Token);
        await AtomicFile.WriteAllBytesAsync(link, "secret"u8.ToArray(), overwrite: false, cancellationToken: Token);

        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void OutputTarget_DevStdout_IsAStreamNeverAFile()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/dev/stdout is a descriptor link on Linux");

        OutputTarget target = OutputTarget.Inspect("/dev/stdout");

        Assert.Equal(OutputKind.Stream, target.Kind);
        Assert.Equal("/dev/stdout", target.WritePath);
    }

    [Fact]
    public void OutputTarget_StandardStreamName_IsOnlyTheDash()
    {
        Assert.True(OutputTarget.IsStandardStream("-"));
        Assert.False(OutputTarget.IsStandardStream("./-"));
        Assert.False(OutputTarget.IsStandardStream("--"));
        Assert.False(OutputTarget.IsStandardStream(null));
    }

    [Fact]
    public async Task PendingFile_BeforeCommit_HasNoNameInTheDirectory()
    {
        // What SIGKILL mid-write leaves is what the directory holds before the commit: on Linux, nothing.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "O_TMPFILE is Linux only; elsewhere a named temporary is cleaned by the next run");
        using var temp = new TempDirectory();
        string path = temp.Combine("plain.csv");

        PendingFile pending = AtomicFile.Create(path, overwrite: false, AtomicFile.OwnerOnly);
        await using (pending)
        {
            await pending.Stream.WriteAsync("secret,row\n"u8.ToArray(), Token);
            await pending.Stream.FlushAsync(Token);

            Assert.Null(pending.TemporaryPath);
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));

            await pending.CommitAsync(Token);
        }

        Assert.Equal(["plain.csv"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
        Assert.Equal("secret,row\n", await File.ReadAllTextAsync(path, Token));
        Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task PendingFile_CommitWithOverwrite_ReplacesAndLeavesNoTemporary()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("out.bin");
        await File.WriteAllTextAsync(path, "old", Token);

        await AtomicFile.WriteAllBytesAsync(path, "new"u8.ToArray(), overwrite: true, cancellationToken: Token);

        Assert.Equal("new", await File.ReadAllTextAsync(path, Token));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task PendingFile_TargetAppearsMeanwhileWithoutOverwrite_CommitRefusesAndKeepsIt()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("out.bin");
        PendingFile pending = AtomicFile.Create(path, overwrite: false);
        await using (pending)
        {
            await pending.Stream.WriteAsync("new"u8.ToArray(), Token);
            await File.WriteAllTextAsync(path, "theirs", Token);

            await Assert.ThrowsAsync<IOException>(() => pending.CommitAsync(Token));
        }

        Assert.Equal("theirs", await File.ReadAllTextAsync(path, Token));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task AtomicFile_StaleTemporariesOfAKilledRun_AreRemovedAndOthersKept()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows removes only temporaries older than a day");
        using var temp = new TempDirectory();
        string path = temp.Combine("out.csv");
        await File.WriteAllTextAsync(path + ".tmp-0123abcd", "plaintext of a killed run", Token);
        Directory.CreateDirectory(path + ".tmp-89abcdef");
        await File.WriteAllTextAsync(Path.Combine(path + ".tmp-89abcdef", "part"), "x", Token);
        string[] kept =
        [
            path + ".old-0123abcd", // a previous output moved aside: possibly the only copy
            path + ".tmp-0123ABCD", // not our pattern (upper case)
            path + ".tmp-0123abc", // not our pattern (seven digits)
            temp.Combine("other.csv.tmp-0123abcd"), // another target's
        ];
        foreach (string file in kept)
        {
            await File.WriteAllTextAsync(file, "keep", Token);
        }

        string live = path + ".tmp-fedcba98";
        using (var writer = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await AtomicFile.WriteAllBytesAsync(path, "new"u8.ToArray(), cancellationToken: Token);

            Assert.True(File.Exists(live), "a temporary a live writer holds (locked) must be kept");
        }

        Assert.False(File.Exists(path + ".tmp-0123abcd"));
        Assert.False(Directory.Exists(path + ".tmp-89abcdef"));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.Equal("new", await File.ReadAllTextAsync(path, Token));
    }

    [Fact]
    public void StagingDirectory_TrailingSeparator_CommitsUnderTheName()
    {
        using var temp = new TempDirectory();
        string target = temp.Combine("data.enc") + Path.DirectorySeparatorChar;

        using (StagingDirectory staging = StagingDirectory.Create(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "a.ppml"), "x");
            staging.Commit(replace: false);
        }

        Assert.Equal(["data.enc"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
        Assert.True(File.Exists(temp.Combine("data.enc", "a.ppml")));
    }

    [Fact]
    public void StagingDirectory_SymbolicLinkToDirectory_ReplacesTheDirectoryAndKeepsTheLink()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var temp = new TempDirectory();
        string real = temp.Combine("real");
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "old.csv"), "old");
        string link = temp.Combine("link");
        Directory.CreateSymbolicLink(link, real);

        using (StagingDirectory staging = StagingDirectory.Create(link))
        {
            File.WriteAllText(Path.Combine(staging.Path, "new.csv"), "new");
            staging.Commit(replace: true);
        }

        Assert.Equal(real, new DirectoryInfo(link).LinkTarget);
        Assert.Equal(["new.csv"], Directory.EnumerateFileSystemEntries(real).Select(Path.GetFileName));
    }

    [Fact]
    public void StagingDirectory_DeviceTarget_Refuses()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "character devices are checked on Linux");

        InvalidOutputException refused = Assert.Throws<InvalidOutputException>(() => StagingDirectory.Create("/dev/null"));

        Assert.Contains("directory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StagingDirectory_StaleStagingOfAKilledRun_IsRemovedButALiveOneIsKept()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows removes only temporaries older than a day");
        using var temp = new TempDirectory();
        string target = temp.Combine("out");
        string stale = target + ".tmp-00000001";
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "plain.csv"), "secret");

        using StagingDirectory live = StagingDirectory.Create(target);
        using StagingDirectory second = StagingDirectory.Create(target);

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(live.Path), "the staging directory of a live writer (locked) must be kept");
        Assert.True(Directory.Exists(second.Path));
    }
}
