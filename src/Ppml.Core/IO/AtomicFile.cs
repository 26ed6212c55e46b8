namespace Ppml.Core.IO;

/// <summary>
/// Crash-safe file replacement: content is written to <c>name.tmp-XXXX</c> in the target directory,
/// flushed to disk, then renamed over the target, and the directory is flushed to disk so the rename survives a
/// crash (Linux and macOS; on Windows NTFS journals the rename and no flush is possible). A reader never sees a half-written
/// file, and a failure leaves the previous file (if any) untouched and no temporary file behind.
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
    /// Opens <c>path.tmp-XXXXXXXX</c> beside <paramref name="path"/> (creating the directory if missing) for a write
    /// that is committed later with <see cref="PendingFile.CommitAsync"/>; disposing it uncommitted deletes the temporary.
    /// </summary>
    /// <param name="path">The final file path.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing <paramref name="path"/> makes the call (and the commit) throw <see cref="IOException"/>.</param>
    /// <param name="mode">Unix file mode of the new file (ignored on Windows); <see langword="null"/> for the default.</param>
    /// <returns>The pending file; the caller disposes it.</returns>
    public static PendingFile Create(string path, bool overwrite = true, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        if (!overwrite && File.Exists(fullPath))
        {
            throw new IOException($"'{path}' already exists; refusing to overwrite it.");
        }

        Directory.CreateDirectory(directory);
        string temporary = TemporaryPathFor(fullPath);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        var stream = new FileStream(temporary, options);
        return new PendingFile(fullPath, temporary, stream, overwrite);
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
