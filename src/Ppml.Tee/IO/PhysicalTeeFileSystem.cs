namespace Ppml.Tee.IO;

/// <summary>The real file system, optionally re-rooted (so a test can point it at a prepared directory).</summary>
public sealed class PhysicalTeeFileSystem : ITeeFileSystem
{
    private readonly string _root;

    /// <summary>Creates the file system rooted at <paramref name="root"/> (<c>/</c> in production).</summary>
    /// <param name="root">The directory that stands for <c>/</c>.</param>
    public PhysicalTeeFileSystem(string root = "/")
    {
        _root = root;
    }

    /// <inheritdoc />
    public bool FileExists(string path) => File.Exists(Map(path));

    /// <inheritdoc />
    public bool DirectoryExists(string path) => Directory.Exists(Map(path));

    /// <inheritdoc />
    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken) => File.ReadAllBytesAsync(Map(path), cancellationToken);

    /// <inheritdoc />
    public async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        // Pseudo-files want exactly one write(2) of the whole content at offset 0, without truncation.
        var stream = new FileStream(Map(path), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string path) => Directory.CreateDirectory(Map(path));

    /// <inheritdoc />
    public void DeleteDirectory(string path) => Directory.Delete(Map(path), recursive: false);

    private string Map(string path) => _root == "/" ? path : Path.Combine(_root, path.TrimStart('/'));
}
