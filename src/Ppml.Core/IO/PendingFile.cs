using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// A file being written atomically, for writers that open a file in one step and finish it in another (parallel
/// generators, downloads). Create one with <see cref="AtomicFile.Create"/>; <see cref="CommitAsync"/> flushes the
/// content to disk, gives it the target name and flushes the directory. Disposing without a commit discards it.
/// </summary>
/// <remarks>
/// <para>On Linux the content goes to an unnamed file (<c>O_TMPFILE</c>) in the target's directory: until the commit it
/// has no name, so a process killed mid-write (even by SIGKILL) leaves nothing on disk. The commit links it in through
/// <c>/proc/self/fd</c> (<c>linkat</c>): under the target name directly when overwriting is off (which fails atomically
/// if the name appeared), or under a fresh temporary name that is then renamed over the target.</para>
/// <para>Elsewhere (other systems, file systems without <c>O_TMPFILE</c>) it is a named <c>name.tmp-XXXXXXXX</c> beside
/// the target, locked while written, renamed at the commit; a killed run leaves it, and the next write of the same
/// target removes it (<see cref="AtomicFile.Create"/>).</para>
/// <para>A <see cref="OutputKind.Stream"/> target (a FIFO, <c>/dev/null</c>, <c>/dev/stdout</c>) is written in place:
/// <see cref="IsAtomic"/> is <see langword="false"/> and whatever was written before a failure has been delivered.</para>
/// </remarks>
public sealed class PendingFile : IAsyncDisposable, IDisposable
{
    private readonly bool _overwrite;
    private readonly SafeFileHandle? _anonymous;
    private bool _committed;
    private bool _disposed;

    internal PendingFile(string path, string? temporaryPath, FileStream stream, bool overwrite, SafeFileHandle? anonymous, bool isAtomic)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        Stream = stream;
        _overwrite = overwrite;
        _anonymous = anonymous;
        IsAtomic = isAtomic;
    }

    /// <summary>The final path (full path; the final target of a symbolic link, which is kept).</summary>
    public string Path { get; }

    /// <summary>
    /// The named temporary file being written, or <see langword="null"/> when the content has no name until the commit
    /// (<c>O_TMPFILE</c>) or the target is written in place (<see cref="IsAtomic"/> is <see langword="false"/>).
    /// </summary>
    public string? TemporaryPath { get; }

    /// <summary>
    /// Whether the output appears whole at <see cref="CommitAsync"/> or not at all. <see langword="false"/> for a stream
    /// target (FIFO, character device, descriptor link), which receives the bytes as they are written.
    /// </summary>
    public bool IsAtomic { get; }

    /// <summary>The stream to write; do not dispose it (the pending file owns it).</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes the content to disk, gives it the name <see cref="Path"/> (replacing the old file when allowed) and flushes the directory.</summary>
    /// <param name="cancellationToken">Cancels the flush; the content is discarded on dispose.</param>
    /// <exception cref="IOException">The target appeared while the file was written and overwriting is off.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException($"'{Path}' was already committed.");
        }

        if (Stream.CanWrite)
        {
            await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!IsAtomic)
        {
            await Stream.DisposeAsync().ConfigureAwait(false);
            _committed = true;
            return;
        }

        if (Stream.SafeFileHandle is { IsClosed: false } handle)
        {
            RandomAccess.FlushToDisk(handle);
        }

        string directory = System.IO.Path.GetDirectoryName(Path)!;
        if (_anonymous is not null)
        {
            LinkAnonymous(_anonymous);
            _committed = true;
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await Stream.DisposeAsync().ConfigureAwait(false);
            if (!_overwrite && File.Exists(Path))
            {
                throw new IOException($"'{Path}' appeared while it was being written; refusing to overwrite it.");
            }

            File.Move(TemporaryPath!, Path, _overwrite);
            _committed = true;
        }

        DirectorySync.Flush(directory);
    }

    /// <summary>Closes the file; without a commit, discards the content (an unnamed file simply vanishes).</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Stream.DisposeAsync().ConfigureAwait(false);
        Discard();
    }

    /// <summary>Closes the file; without a commit, discards the content (an unnamed file simply vanishes).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stream.Dispose();
        Discard();
    }

    private void Discard()
    {
        _anonymous?.Dispose();
        if (!_committed && TemporaryPath is not null)
        {
            AtomicFile.TryDelete(TemporaryPath);
        }
    }

    private void LinkAnonymous(SafeFileHandle handle)
    {
        if (!_overwrite)
        {
            // linkat never replaces: the name appearing meanwhile fails here, atomically.
            int error = UnixFiles.Link(handle, Path);
            if (error == UnixFiles.AlreadyExists)
            {
                throw new IOException($"'{Path}' appeared while it was being written; refusing to overwrite it.");
            }

            ThrowIfFailed(error, Path);
            return;
        }

        // Overwrite: link under a fresh temporary name, then rename over the target (rename is the atomic replace).
        for (int attempt = 0; ; attempt++)
        {
            string temporary = AtomicFile.TemporaryPathFor(Path);
            int error = UnixFiles.Link(handle, temporary);
            if (error == UnixFiles.AlreadyExists && attempt < 8)
            {
                continue;
            }

            ThrowIfFailed(error, temporary);
            try
            {
                File.Move(temporary, Path, overwrite: true);
            }
            catch
            {
                AtomicFile.TryDelete(temporary);
                throw;
            }

            return;
        }
    }

    private static void ThrowIfFailed(int error, string path)
    {
        if (error != 0)
        {
            throw new IOException($"Could not link the written file in as '{path}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }
    }
}
