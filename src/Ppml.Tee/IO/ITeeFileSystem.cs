namespace Ppml.Tee.IO;

/// <summary>
/// The pseudo-files a TEE exposes (<c>/dev/attestation/*</c>, <c>/sys/kernel/config/tsm/report/*</c>). Reads and
/// writes are whole-file operations, as those interfaces require. Tests substitute an emulator of the kernel's
/// (and Gramine's) behaviour.
/// </summary>
public interface ITeeFileSystem
{
    /// <summary>Whether the file exists.</summary>
    bool FileExists(string path);

    /// <summary>Whether the directory exists.</summary>
    bool DirectoryExists(string path);

    /// <summary>Reads a whole pseudo-file.</summary>
    Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes a whole pseudo-file in one write.</summary>
    Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Creates a directory (configfs: creates a report entry).</summary>
    void CreateDirectory(string path);

    /// <summary>Removes an (empty, in configfs terms) directory.</summary>
    void DeleteDirectory(string path);
}
