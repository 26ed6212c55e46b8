namespace Ppml.Learning.IO;

/// <summary>
/// Write-then-rename for files this project creates (downloads): a temporary file beside the target, flushed to
/// disk, then moved over it. Mirrors Ppml.Crypto's AtomicFile, which this project must not reference (it stays
/// independent of the crypto stack; the CLI wraps outputs in encrypting streams itself).
/// </summary>
internal static class AtomicFileWriter
{
    public static string TemporaryPathFor(string path) =>
        $"{path}.tmp-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    public static FileStream CreateTemporary(string temporaryPath) =>
        new(temporaryPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        });

    /// <summary>Flushes <paramref name="file"/> to disk, closes it and renames it to <paramref name="path"/>.</summary>
    public static async Task CommitAsync(FileStream file, string temporaryPath, string path, CancellationToken cancellationToken)
    {
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
        await file.DisposeAsync().ConfigureAwait(false);
        File.Move(temporaryPath, path, overwrite: true);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller reports.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
