namespace Ppml.Core.IO;

/// <summary>
/// Crash-safe file replacement: content is written to a temporary in the target directory (an unnamed <c>O_TMPFILE</c>
/// on Linux, else <c>name.tmp-XXXXXXXX</c>), flushed to disk, then given the target name (renamed over it), and the
/// directory is flushed to disk so the rename survives a crash (Linux and macOS; on Windows NTFS journals the rename and
/// no flush is possible). A reader never sees a half-written file; a failure leaves the previous file (if any) untouched
/// and no temporary behind; a process killed mid-write leaves nothing on Linux, and elsewhere a temporary that the next
/// write of the same target removes. Symbolic links and special files are never replaced (<see cref="OutputTarget"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Unix mode for files that hold secrets: owner read/write only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file in the same
    /// directory, which is flushed to disk and renamed over <paramref name="path"/> only when it returns.
    /// </summary>
    /// <param name="path">The final file path.</param>
    /// <param name="write">Writes the content; the stream must not be disposed by the callback.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing <paramref name="path"/> makes the call throw <see cref="IOException"/>.</param>
    /// <param name="mode">Unix file mode of the new file (ignored on Windows); <see langword="null"/> for the default.</param>
    /// <param name="cancellationToken">Cancels the write; the temporary file is then deleted.</param>
    public static async Task WriteAsync(
        string path,
        Func<Stream, CancellationToken, Task> write,
        bool overwrite = true,
        UnixFileMode? mode = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);

        PendingFile file = Create(path, overwrite, mode);
        await using (file.ConfigureAwait(false))
        {
            await write(file.Stream, cancellationToken).ConfigureAwait(false);
            await file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens a pending write of <paramref name="path"/> (creating the directory if missing), committed later with
    /// <see cref="PendingFile.CommitAsync"/>; disposing it uncommitted discards it. See <see cref="PendingFile"/> for where
    /// the content lives meanwhile (an unnamed <c>O_TMPFILE</c> on Linux, else <c>path.tmp-XXXXXXXX</c>), and
    /// <see cref="OutputTarget"/> for symbolic links and special files (written through, never replaced). Stale
    /// temporaries that killed runs left beside the same target are removed first.
    /// </summary>
    /// <param name="path">The final file path.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing <paramref name="path"/> makes the call (and the commit) throw <see cref="IOException"/>. A stream target (FIFO, character device) needs no overwrite: nothing is replaced.</param>
    /// <param name="mode">Unix file mode of the new file (ignored on Windows); <see langword="null"/> for the default.</param>
    /// <returns>The pending file; the caller disposes it.</returns>
    /// <exception cref="InvalidOutputException"><paramref name="path"/> ends with a directory separator or is a directory, a dangling symbolic link, a block device or a socket.</exception>
    /// <exception cref="IOException"><paramref name="path"/> exists and <paramref name="overwrite"/> is off.</exception>
    public static PendingFile Create(string path, bool overwrite = true, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OutputTarget target = OutputTarget.Inspect(path);
        if (target.Kind == OutputKind.Directory || target.NamesDirectory)
        {
            throw new InvalidOutputException(target.Kind == OutputKind.Directory
                ? $"'{path}' is a directory; give a file name."
                : $"'{path}' ends with a directory separator, so it names a directory; give a file name (without the trailing '{Path.DirectorySeparatorChar}').");
        }

        if (target.Kind == OutputKind.Stream)
        {
            // Written in place: no temporary, no rename, no truncation of what a FIFO's reader has not read.
            var direct = new FileStream(target.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            return new PendingFile(target.Path, temporaryPath: null, direct, overwrite: true, anonymous: null, isAtomic: false);
        }

        string fullPath = target.WritePath;
        if (!overwrite && target.Kind == OutputKind.File)
        {
            throw new IOException($"'{path}' already exists; refusing to overwrite it.");
        }

        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new InvalidOutputException($"'{path}' has no parent directory.");
        Directory.CreateDirectory(directory);
        StaleTemporaries.Remove(fullPath);

        UnixFileMode createMode = mode ?? DefaultFileMode;
        if (UnixFiles.TryOpenAnonymous(directory, createMode) is { } anonymous)
        {
            var stream = new FileStream(anonymous, FileAccess.Write, bufferSize: 0);
            return new PendingFile(fullPath, temporaryPath: null, stream, overwrite, anonymous, isAtomic: true);
        }

        string temporary = TemporaryPathFor(fullPath);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None, // on Unix also an exclusive flock: the next run's cleanup leaves a live temporary alone
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        return new PendingFile(fullPath, temporary, new FileStream(temporary, options), overwrite, anonymous: null, isAtomic: true);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The final file path.</param>
    /// <param name="content">The bytes to write.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing file makes the call throw <see cref="IOException"/>.</param>
    /// <param name="mode">Unix file mode of the new file; <see langword="null"/> for the default.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task WriteAllBytesAsync(
        string path,
        ReadOnlyMemory<byte> content,
        bool overwrite = true,
        UnixFileMode? mode = null,
        CancellationToken cancellationToken = default) =>
        WriteAsync(
            path,
            (stream, token) => stream.WriteAsync(content, token).AsTask(),
            overwrite,
            mode,
            cancellationToken);

    /// <summary>Returns a fresh temporary name beside <paramref name="fullPath"/> (same directory, so rename is atomic).</summary>
    /// <param name="fullPath">The final path.</param>
    /// <returns>A path of the form <c>name.tmp-XXXXXXXX</c>.</returns>
    public static string TemporaryPathFor(string fullPath) =>
        $"{fullPath}.tmp-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The mode of a new file when none is asked for (the umask still applies), as <see cref="File.Create(string)"/> gives.</summary>
    private const UnixFileMode DefaultFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Deletes <paramref name="path"/> if it can; a failure is swallowed (the caller reports the original one).</summary>
    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one that matters to the caller.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
