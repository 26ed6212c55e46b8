namespace Ppml.Core.IO;

/// <summary>
/// A file being written atomically, for writers that open a file in one step and finish it in another (parallel
/// generators, downloads): <see cref="Stream"/> writes to <c>name.tmp-XXXXXXXX</c> beside the target;
/// <see cref="CommitAsync"/> flushes it to disk, renames it over the target and flushes the directory. Disposing
/// without a commit closes and deletes the temporary file. Create one with <see cref="AtomicFile.Create"/>.
/// </summary>
public sealed class PendingFile : IAsyncDisposable, IDisposable
{
    private readonly bool _overwrite;
    private bool _committed;
    private bool _disposed;

    internal PendingFile(string path, string temporaryPath, FileStream stream, bool overwrite)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        Stream = stream;
        _overwrite = overwrite;
    }

    /// <summary>The final path (full path).</summary>
    public string Path { get; }

    /// <summary>The temporary file being written.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write; do not dispose it (the pending file owns it).</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes the content to disk, closes the file, renames it to <see cref="Path"/> and flushes the directory.</summary>
    /// <param name="cancellationToken">Cancels the flush; the temporary file is deleted on dispose.</param>
    /// <exception cref="IOException">The target appeared while the file was written and overwriting is off.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException($"'{Path}' was already committed.");
        }

        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Stream.Flush(flushToDisk: true);
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (!_overwrite && File.Exists(Path))
        {
            throw new IOException($"'{Path}' appeared while it was being written; refusing to overwrite it.");
        }

        File.Move(TemporaryPath, Path, _overwrite);
        _committed = true;
        DirectorySync.Flush(System.IO.Path.GetDirectoryName(Path)!);
    }

    /// <summary>Closes the file; without a commit, deletes the temporary file.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed)
        {
            AtomicFile.TryDelete(TemporaryPath);
        }
    }

    /// <summary>Closes the file; without a commit, deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stream.Dispose();
        if (!_committed)
        {
            AtomicFile.TryDelete(TemporaryPath);
        }
    }
}
