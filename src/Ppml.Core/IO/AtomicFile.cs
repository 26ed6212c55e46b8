namespace Ppml.Core.IO;

/// <summary>
/// Crash-safe file replacement: content is written to <c>name.tmp-XXXX</c> in the target directory,
/// flushed to disk, then renamed over the target. A reader never sees a half-written file, and a failure
/// leaves the previous file (if any) untouched and no temporary file behind.
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

        bool committed = false;
        try
        {
            var file = new FileStream(temporary, options);
            await using (file.ConfigureAwait(false))
            {
                await write(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            if (!overwrite && File.Exists(fullPath))
            {
                throw new IOException($"'{path}' appeared while it was being written; refusing to overwrite it.");
            }

            File.Move(temporary, fullPath, overwrite);
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                TryDelete(temporary);
            }
        }
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

    private static void TryDelete(string path)
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
