using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// The one rule for every secret (keys, passwords, API keys, shares, seal secrets, key stores) and trust anchor (CA
/// certificates, policies): created owner-only — files 0600, directories 0700 — whatever the umask, because the mode is
/// given to <c>open</c>/<c>mkdir</c> rather than set afterwards; and refused on reading when group or others can write it,
/// or, for a secret, read it (<see cref="InsecureFileException"/>, naming the fix <c>chmod 600 FILE</c>). The mode is
/// checked on the opened handle, so the file judged is the file read. On Windows no Unix mode exists and nothing is checked.
/// </summary>
public static class SecretFiles
{
    /// <summary>The mode of a file this class creates: owner read and write.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The mode of a directory this class creates: owner read, write and search.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The largest file <see cref="ReadAllBytesAsync"/> reads (secrets and anchors are small), in bytes.</summary>
    public const int MaxLength = 16 * 1024 * 1024;

    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode GroupOrOtherAccess = GroupOrOtherWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Creates <paramref name="path"/> and each missing parent with mode 0700; directories that exist are left as they are.
    /// </summary>
    /// <param name="path">The directory.</param>
    public static void CreateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only; every one created here is 0700.
        var missing = new Stack<string>();
        for (string? current = full; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out string? directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically with mode 0600, creating missing directories 0700.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing file makes the call throw <see cref="IOException"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is on disk.</returns>
    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return AtomicFile.WriteAllBytesAsync(path, content, overwrite, FileMode, cancellationToken);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) like <see cref="WriteAllBytesAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">The text.</param>
    /// <param name="overwrite">When <see langword="false"/>, an existing file makes the call throw <see cref="IOException"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is on disk.</returns>
    public static Task WriteAllTextAsync(string path, string text, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAllBytesAsync(path, Encoding.UTF8.GetBytes(text), overwrite, cancellationToken);
    }

    /// <summary>Reads <paramref name="path"/> after checking its mode on the opened file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="InsecureFileException">Group or others can write the file, or read a secret.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is larger than <see cref="MaxLength"/>.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(string path, SecretFileKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            Check(stream.SafeFileHandle, path, kind);
            if (!stream.CanSeek)
            {
                // A pipe (<(command), /dev/fd/N): read to the end, bounded.
                using var buffer = new MemoryStream();
                byte[] chunk = new byte[8192];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxLength)
                    {
                        throw new InvalidDataException($"'{path}' is over {MaxLength} bytes; a secret or trust anchor of at most {MaxLength} is expected.");
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }

            long length = stream.Length;
            if (length > MaxLength)
            {
                throw new InvalidDataException($"'{path}' is {length} bytes; a secret or trust anchor of at most {MaxLength} is expected.");
            }

            byte[] content = new byte[length];
            await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            return content;
        }
    }

    /// <summary>Reads <paramref name="path"/> as UTF-8 text after checking its mode (<see cref="ReadAllBytesAsync"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The text.</returns>
    /// <exception cref="InsecureFileException">Group or others can write the file, or read a secret.</exception>
    public static async Task<string> ReadAllTextAsync(string path, SecretFileKind kind, CancellationToken cancellationToken = default)
    {
        byte[] bytes = await ReadAllBytesAsync(path, kind, cancellationToken).ConfigureAwait(false);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
        }
        finally
        {
            if (kind == SecretFileKind.Secret)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    /// <summary>Refuses <paramref name="path"/> when its mode lets group or others write it (or read it, for a secret).</summary>
    /// <param name="path">The file (a symbolic link is followed).</param>
    /// <param name="kind">What it holds.</param>
    /// <exception cref="InsecureFileException">The mode is too open.</exception>
    public static void Check(string path, SecretFileKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            Check(File.GetUnixFileMode(path), path, kind);
        }
    }

    /// <summary>Refuses the opened file <paramref name="handle"/> when its mode is too open (<see cref="Check(string, SecretFileKind)"/>).</summary>
    /// <param name="handle">The opened file.</param>
    /// <param name="path">Its path, for the message.</param>
    /// <param name="kind">What it holds.</param>
    /// <exception cref="InsecureFileException">The mode is too open.</exception>
    public static void Check(SafeFileHandle handle, string path, SecretFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsWindows())
        {
            Check(File.GetUnixFileMode(handle), path, kind);
        }
    }

    /// <summary>Whether <paramref name="mode"/> is acceptable for a file holding <paramref name="kind"/>.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="kind">What the file holds.</param>
    /// <returns><see langword="true"/> when group and others cannot write it (nor read it, for a secret).</returns>
    public static bool IsAcceptable(UnixFileMode mode, SecretFileKind kind) =>
        (mode & (kind == SecretFileKind.Secret ? GroupOrOtherAccess : GroupOrOtherWrite)) == 0;

    private static void Check(UnixFileMode mode, string path, SecretFileKind kind)
    {
        if (!IsAcceptable(mode, kind))
        {
            throw new InsecureFileException(path, kind, mode);
        }
    }
}
