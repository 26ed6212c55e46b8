namespace Ppml.Core.IO;

/// <summary>
/// What an output path is before anything is written to it, and where the bytes must really go. The rules, the ones a
/// careful user of coreutils expects:
/// <list type="bullet">
/// <item>a path ending with a directory separator (<c>out/</c>) names a directory, never a file;</item>
/// <item>a symbolic link is never replaced: a link to a regular file or directory is written through (the file it points
/// to is replaced atomically and the link stays); a dangling link is refused, as <c>cp</c> refuses it;</item>
/// <item>a FIFO, a character device (<c>/dev/null</c>, a terminal) or a descriptor link (<c>/dev/stdout</c>,
/// <c>/proc/self/fd/N</c>) is written through as a stream, in place; it needs no overwrite permission because nothing
/// is replaced, and it is not atomic;</item>
/// <item>a block device, a socket or any other special file is refused.</item>
/// </list>
/// </summary>
public sealed class OutputTarget
{
    /// <summary>The conventional name of standard input/output in an option value (<c>--out -</c>).</summary>
    public const string StandardStreamName = "-";

    private OutputTarget(string path, string writePath, OutputKind kind, bool isSymbolicLink, bool namesDirectory)
    {
        Path = path;
        WritePath = writePath;
        Kind = kind;
        IsSymbolicLink = isSymbolicLink;
        NamesDirectory = namesDirectory;
    }

    /// <summary>The path as given, made full, without a trailing separator.</summary>
    public string Path { get; }

    /// <summary>
    /// Where to write: the final target of a symbolic link to a file or directory (so the link is kept), otherwise
    /// <see cref="Path"/>. For <see cref="OutputKind.Stream"/>, <see cref="Path"/> itself (opened, never replaced).
    /// </summary>
    public string WritePath { get; }

    /// <summary>What the path names.</summary>
    public OutputKind Kind { get; }

    /// <summary>Whether <see cref="Path"/> itself is a symbolic link.</summary>
    public bool IsSymbolicLink { get; }

    /// <summary>Whether the path was written with a trailing directory separator (<c>out/</c>): it names a directory.</summary>
    public bool NamesDirectory { get; }

    /// <summary>Whether <paramref name="value"/> is <c>-</c>, standard input or output in a command's option.</summary>
    /// <param name="value">An option value.</param>
    /// <returns><see langword="true"/> for exactly <c>-</c>.</returns>
    public static bool IsStandardStream(string? value) => value == StandardStreamName;

    /// <summary>Classifies <paramref name="path"/> (relative paths against the current directory).</summary>
    /// <param name="path">The output path.</param>
    /// <returns>The target.</returns>
    /// <exception cref="InvalidOutputException">The path is a dangling symbolic link, a block device, a socket or another special file.</exception>
    public static OutputTarget Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        bool namesDirectory = System.IO.Path.EndsInDirectorySeparator(full) && System.IO.Path.GetPathRoot(full) != full;
        full = System.IO.Path.TrimEndingDirectorySeparator(full);

        bool isLink = new FileInfo(full).LinkTarget is not null;
        if (!UnixFiles.CanStat)
        {
            return InspectPortably(path, full, isLink, namesDirectory);
        }

        UnixFiles.EntryType type = UnixFiles.GetEntryType(full, followLinks: true);
        if (isLink && type == UnixFiles.EntryType.Missing)
        {
            throw new InvalidOutputException(
                $"'{path}' is a symbolic link to '{new FileInfo(full).LinkTarget}', which does not exist; ppml does not write through a dangling link. Remove the link or point it at a file.");
        }

        switch (type)
        {
            case UnixFiles.EntryType.Missing:
                return new OutputTarget(full, full, OutputKind.Missing, isLink, namesDirectory);
            case UnixFiles.EntryType.Directory:
                return new OutputTarget(full, isLink ? FinalTarget(full) : full, OutputKind.Directory, isLink, namesDirectory);
            case UnixFiles.EntryType.Fifo:
            case UnixFiles.EntryType.CharacterDevice:
                return new OutputTarget(full, full, OutputKind.Stream, isLink, namesDirectory);
            case UnixFiles.EntryType.Regular:
                if (!isLink)
                {
                    return new OutputTarget(full, full, OutputKind.File, isLink, namesDirectory);
                }

                // A descriptor link (/dev/stdout -> /proc/self/fd/1 -> a file the shell opened) is written through in
                // place, as the shell's redirection expects; a link to an ordinary file has that file replaced atomically.
                string final = FinalTarget(full);
                return IsDescriptorLink(full, final)
                    ? new OutputTarget(full, full, OutputKind.Stream, isLink, namesDirectory)
                    : new OutputTarget(full, final, OutputKind.File, isLink, namesDirectory);
            default:
                throw new InvalidOutputException(
                    $"'{path}' is a {Describe(type)}; ppml writes only to regular files, directories, FIFOs and character devices. Choose another output.");
        }
    }

    private static OutputTarget InspectPortably(string path, string full, bool isLink, bool namesDirectory)
    {
        // Without statx (macOS, Windows): links are followed with the BCL; device files are recognised by their place.
        if (Directory.Exists(full))
        {
            return new OutputTarget(full, isLink ? FinalTarget(full) : full, OutputKind.Directory, isLink, namesDirectory);
        }

        if (!File.Exists(full))
        {
            if (isLink)
            {
                throw new InvalidOutputException(
                    $"'{path}' is a symbolic link to '{new FileInfo(full).LinkTarget}', which does not exist; ppml does not write through a dangling link. Remove the link or point it at a file.");
            }

            return new OutputTarget(full, full, OutputKind.Missing, isLink, namesDirectory);
        }

        if (!OperatingSystem.IsWindows() && (full.StartsWith("/dev/", StringComparison.Ordinal) || (isLink && FinalTarget(full).StartsWith("/dev/", StringComparison.Ordinal))))
        {
            return new OutputTarget(full, full, OutputKind.Stream, isLink, namesDirectory);
        }

        return new OutputTarget(full, isLink ? FinalTarget(full) : full, OutputKind.File, isLink, namesDirectory);
    }

    private static string FinalTarget(string link) =>
        File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link;

    private static bool IsDescriptorLink(string link, string final) =>
        link.StartsWith("/proc/", StringComparison.Ordinal) || link.StartsWith("/dev/fd/", StringComparison.Ordinal)
        || link.StartsWith("/dev/std", StringComparison.Ordinal) || final.StartsWith("/proc/", StringComparison.Ordinal)
        || LinkChainPassesThroughProc(link);

    private static bool LinkChainPassesThroughProc(string link)
    {
        // /dev/stdout -> /proc/self/fd/1 -> the file: one step at a time, at most 40 links (Linux's own limit).
        string current = link;
        for (int i = 0; i < 40; i++)
        {
            string? next = new FileInfo(current).LinkTarget;
            if (next is null)
            {
                return false;
            }

            current = System.IO.Path.GetFullPath(next, System.IO.Path.GetDirectoryName(current)!);
            if (current.StartsWith("/proc/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(UnixFiles.EntryType type) => type switch
    {
        UnixFiles.EntryType.BlockDevice => "block device",
        UnixFiles.EntryType.Socket => "socket",
        _ => "special file",
    };
}
