using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// Removes what an earlier run killed mid-write left beside an output: entries named exactly <c>TARGET.tmp-XXXXXXXX</c>
/// (eight lowercase hex digits, our own pattern, nothing else). A temporary that a live writer still holds is kept:
/// every writer holds an exclusive advisory lock (<c>flock</c>) on its temporary file or staging directory until it is
/// committed or deleted, and an entry is removed only after its lock was taken here. Where locks cannot be checked
/// (Windows), only entries untouched for <see cref="PortableMinimumAge"/> are removed. <c>TARGET.old-XXXXXXXX</c>
/// entries (a previous output moved aside) are never removed: after a crash they may be the only copy.
/// </summary>
internal static class StaleTemporaries
{
    /// <summary>Without locks, a temporary this old is no longer being written.</summary>
    internal static readonly TimeSpan PortableMinimumAge = TimeSpan.FromDays(1);

    /// <summary>Removes stale <c>name.tmp-XXXXXXXX</c> entries beside <paramref name="fullTarget"/>; never throws.</summary>
    /// <param name="fullTarget">The output's full path (no trailing separator).</param>
    /// <returns>The entries removed.</returns>
    public static IReadOnlyList<string> Remove(string fullTarget)
    {
        var removed = new List<string>();
        string? directory = Path.GetDirectoryName(fullTarget);
        string name = Path.GetFileName(fullTarget);
        if (directory is null || name.Length == 0 || !Directory.Exists(directory))
        {
            return removed;
        }

        var pattern = new Regex($"^{Regex.Escape(name)}\\.tmp-[0-9a-f]{{8}}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFileSystemEntries(directory, name + ".tmp-*").ToList();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (string candidate in candidates)
        {
            if (pattern.IsMatch(Path.GetFileName(candidate)) && TryRemove(candidate))
            {
                removed.Add(candidate);
            }
        }

        return removed;
    }

    private static bool TryRemove(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return false; // we never create links under this name; not ours to remove
            }

            bool isDirectory = Directory.Exists(path);
            if (OperatingSystem.IsWindows())
            {
                DateTime written = isDirectory ? Directory.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path);
                if (TimeProvider.System.GetUtcNow().UtcDateTime - written < PortableMinimumAge)
                {
                    return false;
                }

                Delete(path, isDirectory);
                return true;
            }

            using SafeFileHandle? held = UnixFiles.TryLock(path);
            if (held is null)
            {
                return false; // a live writer holds it
            }

            Delete(path, isDirectory);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // best effort: a temporary we cannot remove is not this run's failure
        }
    }

    private static void Delete(string path, bool isDirectory)
    {
        if (isDirectory)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }
}
