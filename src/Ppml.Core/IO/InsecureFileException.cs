namespace Ppml.Core.IO;

/// <summary>
/// A secret or trust anchor whose Unix mode lets group or others write it (or, for a secret, read it). The message is one
/// line naming the file, its mode and the fix (<c>chmod 600 FILE</c>).
/// </summary>
public sealed class InsecureFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="mode">Its mode.</param>
    public InsecureFileException(string path, SecretFileKind kind, UnixFileMode mode)
        : base(Describe(path, kind, mode))
    {
        FilePath = path;
        Kind = kind;
        Mode = mode;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>What it holds.</summary>
    public SecretFileKind Kind { get; }

    /// <summary>Its mode when it was refused.</summary>
    public UnixFileMode Mode { get; }

    private static string Describe(string path, SecretFileKind kind, UnixFileMode mode)
    {
        string octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        string rule = kind == SecretFileKind.Secret
            ? "a secret must not be readable or writable by group or others"
            : "a trust anchor must not be writable by group or others";
        return $"'{path}' has mode {octal}: {rule}; refused. Fix it with: chmod 600 {path}";
    }
}
