using System.Globalization;

namespace Ppml.Core.Diagnostics;

/// <summary>
/// A cgroup v2 of its own for a child process, so its <c>memory.peak</c> measures that process alone (page cache and
/// memory files included): created under this process's cgroup when the memory controller can be delegated there,
/// removed on <see cref="Dispose"/>. Where there is no cgroup v2 with a memory controller (cgroup v1, a container
/// without delegation, no write access, not Linux) <see cref="TryCreate"/> returns <see langword="null"/> and the caller
/// falls back to sampling (<see cref="FootprintMonitor"/>).
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    private const string PeakFile = "memory.peak";

    private MemoryCgroup(string path)
    {
        Path = path;
    }

    /// <summary>The cgroup's directory (in the cgroup v2 file system).</summary>
    public string Path { get; }

    /// <summary>The file a process writes its PID to in order to move into the cgroup.</summary>
    public string ProcessesFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>
    /// The cgroup v2 directory this process is in, from <c>/proc/self/cgroup</c> (<c>0::/path</c>) and the cgroup2 mount
    /// in <c>/proc/self/mountinfo</c>; <see langword="null"/> when there is none.
    /// </summary>
    /// <returns>The directory, or <see langword="null"/>.</returns>
    public static string? FindCurrent()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            string? relative = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            string? mount = File.ReadLines("/proc/self/mountinfo")
                .Select(l => l.Split(' '))
                .Where(f => Array.IndexOf(f, "-") is int dash && dash > 0 && dash + 1 < f.Length && f[dash + 1] == "cgroup2" && f.Length > 4)
                .Select(f => f[4])
                .FirstOrDefault();
            if (relative is null || mount is null)
            {
                return null;
            }

            string directory = System.IO.Path.Combine(mount, relative.TrimStart('/'));
            return Directory.Exists(directory) ? directory : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates an empty cgroup named <paramref name="name"/> under this process's cgroup v2, with the memory controller, or
    /// returns <see langword="null"/> when that is not possible here (the reason is not an error: the caller samples).
    /// </summary>
    /// <param name="name">The directory name (letters, digits, '-' and '_').</param>
    /// <returns>The cgroup, or <see langword="null"/>.</returns>
    public static MemoryCgroup? TryCreate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"A cgroup name is letters, digits, '-' and '_', not '{name}'.", nameof(name));
        }

        string? parent = FindCurrent();
        if (parent is null)
        {
            return null;
        }

        string path = System.IO.Path.Combine(parent, name);
        try
        {
            string subtree = System.IO.Path.Combine(parent, "cgroup.subtree_control");
            if (!File.ReadAllText(subtree).Split(' ', StringSplitOptions.TrimEntries).Contains("memory"))
            {
                // Only the root cgroup, or one without processes, may delegate a controller; anywhere else the kernel refuses.
                File.WriteAllText(subtree, "+memory");
            }

            Directory.CreateDirectory(path);
            if (File.Exists(System.IO.Path.Combine(path, PeakFile)))
            {
                return new MemoryCgroup(path);
            }

            Directory.Delete(path);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryRemove(path);
            return null;
        }
    }

    /// <summary>Reads <c>memory.peak</c> of the cgroup at <paramref name="directory"/>, in bytes.</summary>
    /// <param name="directory">A cgroup v2 directory.</param>
    /// <returns>The peak, or <see langword="null"/> when the file is absent or unreadable.</returns>
    public static long? TryReadPeak(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            string text = File.ReadAllText(System.IO.Path.Combine(directory, PeakFile)).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) ? bytes : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether this process is in the cgroup at <paramref name="directory"/> (its <c>cgroup.procs</c> lists it).</summary>
    /// <param name="directory">A cgroup v2 directory.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool ContainsCurrentProcess(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            return File.ReadLines(System.IO.Path.Combine(directory, "cgroup.procs")).Any(l => l.Trim() == pid);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The cgroup's <c>memory.peak</c>, in bytes, or <see langword="null"/> when it cannot be read.</summary>
    /// <returns>The peak.</returns>
    public long? ReadPeak() => TryReadPeak(Path);

    /// <summary>Removes the cgroup (its processes must have exited); a failure is ignored, the kernel keeps an empty cgroup.</summary>
    public void Dispose() => TryRemove(Path);

    private static void TryRemove(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A cgroup with a process left in it cannot be removed; it holds no data.
        }
    }
}
