using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// All-or-nothing output of a whole directory: <see cref="Create"/> makes a fresh <c>TARGET.tmp-XXXXXXXX</c> beside
/// the target, the caller fills <see cref="Path"/>, and <see cref="Commit"/> renames it into place and flushes the
/// parent directory to disk. Replacing moves the old target aside to <c>TARGET.old-XXXXXXXX</c> first, so a crash
/// leaves either the old or the new output under the target name, and a failed move puts the old target back.
/// Disposing without a commit deletes the staging directory: a reader never sees a half-written output.
/// </summary>
/// <remarks>
/// A process killed mid-output (SIGKILL, power loss) cannot delete the staging directory: it stays as
/// <c>TARGET.tmp-XXXXXXXX</c> with the files completed so far (each file is written with <see cref="AtomicFile"/>, so the
/// file in progress leaves nothing on Linux) until the next <see cref="Create"/> for the same target removes it. A live
/// staging directory holds an exclusive <c>flock</c>, so that cleanup never removes one still being written. Give a
/// plaintext output an owner-only <c>mode</c> so that what a killed run leaves is readable by its owner only.
/// </remarks>
/// <remarks>
/// Files inside the staging directory should be written with <see cref="AtomicFile"/> (flushed to disk each);
/// <see cref="Commit"/> flushes every directory of the staging tree before the rename.
/// </remarks>
public sealed class StagingDirectory : IDisposable
{
    private bool _committed;
    private bool _disposed;

    private readonly SafeFileHandle? _lock;

    private StagingDirectory(string target, string path, SafeFileHandle? held)
    {
        Target = target;
        Path = path;
        _lock = held;
    }

    /// <summary>The final directory (full path, no trailing separator).</summary>
    public string Target { get; }

    /// <summary>The staging directory to fill: <c>TARGET.tmp-XXXXXXXX</c> in the target's parent.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Commit"/> moved the staging directory into place.</summary>
    public bool IsCommitted => _committed;

    /// <summary>
    /// Creates a fresh, empty staging directory beside <paramref name="target"/>, creating the parent if missing. A
    /// trailing separator on <paramref name="target"/> is ignored (<c>out/</c> is <c>out</c>); a symbolic link to a
    /// directory is written through (the directory it points to is staged and replaced, the link stays). Stale staging
    /// directories that killed runs left beside the same target are removed first.
    /// </summary>
    /// <param name="target">The directory the output will have once committed.</param>
    /// <param name="mode">Unix mode of the staging directory (for example owner-only for plaintext); ignored on Windows.</param>
    /// <returns>The staging directory; the caller disposes it.</returns>
    /// <exception cref="InvalidOutputException"><paramref name="target"/> is a root, a FIFO or device, a dangling link, a block device or a socket.</exception>
    public static StagingDirectory Create(string target, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        OutputTarget output = OutputTarget.Inspect(target);
        if (output.Kind == OutputKind.Stream)
        {
            throw new InvalidOutputException($"'{target}' is a FIFO or a device; this output is a directory of files. Give a directory path.");
        }

        string fullTarget = output.Kind == OutputKind.Directory ? output.WritePath : output.Path;
        string parent = System.IO.Path.GetDirectoryName(fullTarget)
            ?? throw new InvalidOutputException($"'{target}' is a root directory; it cannot be staged.");
        Directory.CreateDirectory(parent);
        StaleTemporaries.Remove(fullTarget);
        string path = SiblingPath(fullTarget, "tmp");
        if (Directory.Exists(path) || File.Exists(path))
        {
            throw new IOException($"Staging directory '{path}' already exists; remove it and try again.");
        }

        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path, unixMode);
        }
        else
        {
            Directory.CreateDirectory(path);
        }

        // Held until dispose: the lock tells the cleanup of a concurrent or later run that this directory is alive.
        SafeFileHandle? held = null;
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                held = UnixFiles.TryLock(path);
            }
            catch (IOException)
            {
                // Without the lock the directory is still correct; only a concurrent cleanup could mistake it for stale.
            }
        }

        return new StagingDirectory(fullTarget, path, held);
    }

    /// <summary>
    /// Moves the staging directory to <see cref="Target"/> and flushes the parent directory to disk.
    /// </summary>
    /// <param name="replace">
    /// When <see langword="true"/>, an existing target (directory or file) is moved aside, replaced and then deleted;
    /// when <see langword="false"/>, an existing target makes the call throw and stays as it is.
    /// </param>
    /// <exception cref="IOException">
    /// The target exists and <paramref name="replace"/> is off, or a move failed (the old target is back in place and the
    /// staging directory is still there, deleted on dispose), or the old target could not be deleted after the new
    /// output was moved in (the message names it).
    /// </exception>
    public void Commit(bool replace)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException($"Staging directory for '{Target}' was already committed.");
        }

        string parent = System.IO.Path.GetDirectoryName(Target)!;
        FlushTree(Path);
        bool exists = Directory.Exists(Target) || File.Exists(Target);
        if (exists && !replace)
        {
            throw new IOException($"'{Target}' already exists; refusing to replace it.");
        }

        if (!exists)
        {
            Directory.Move(Path, Target);
            _committed = true;
            DirectorySync.Flush(parent);
            return;
        }

        string old = SiblingPath(Target, "old");
        MoveEntry(Target, old);
        try
        {
            Directory.Move(Path, Target);
        }
        catch
        {
            // Put the old output back: a failed commit changes nothing under the target name.
            MoveEntry(old, Target);
            throw;
        }

        _committed = true;
        DirectorySync.Flush(parent);
        try
        {
            if (Directory.Exists(old))
            {
                Directory.Delete(old, recursive: true);
            }
            else
            {
                File.Delete(old);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"'{Target}' was replaced, but the previous content moved to '{old}' could not be deleted: {exception.Message} Delete it by hand.",
                exception);
        }
    }

    /// <summary>
    /// Moves every file of the staging tree to the same relative path under an existing <see cref="Target"/>, replacing
    /// files of the same name and keeping every other entry of the target, then flushes the directories it changed.
    /// Each file arrives whole, but the merge as a whole is not atomic: a failure part-way leaves the files moved so far.
    /// Use <see cref="Commit"/> for an all-or-nothing output; this is for updating a directory the user shares with other data.
    /// </summary>
    /// <exception cref="IOException">A file could not be moved (the files not yet moved stay in the staging directory until dispose).</exception>
    public void CommitByMerging()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException($"Staging directory for '{Target}' was already committed.");
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).ToList())
        {
            string destination = System.IO.Path.Combine(Target, System.IO.Path.GetRelativePath(Path, file));
            string directory = System.IO.Path.GetDirectoryName(destination)!;
            Directory.CreateDirectory(directory);
            File.Move(file, destination, overwrite: true);
            changed.Add(directory);
        }

        _committed = true;
        foreach (string directory in changed)
        {
            DirectorySync.Flush(directory);
        }

        Directory.Delete(Path, recursive: true);
    }

    /// <summary>Without a commit, deletes the staging directory and everything in it (best effort).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using SafeFileHandle? held = _lock;
        if (_committed)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: the failure that stopped the output is the one the caller reports; the name
            // TARGET.tmp-XXXXXXXX marks what is left as a stale temporary.
        }
    }

    private static string SiblingPath(string fullTarget, string kind) =>
        $"{fullTarget}.{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    private static void MoveEntry(string source, string destination)
    {
        if (File.Exists(source))
        {
            File.Move(source, destination);
        }
        else
        {
            Directory.Move(source, destination);
        }
    }

    private static void FlushTree(string root)
    {
        foreach (string directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            DirectorySync.Flush(directory);
        }

        DirectorySync.Flush(root);
    }
}
