using System.Diagnostics;
using System.Globalization;

namespace Ppml.Core.Diagnostics;

/// <summary>
/// A snapshot of this process's memory footprint: its resident set and the bytes held in its anonymous memory files
/// (<c>memfd_create</c>). Both are needed because decrypted data lives in memory files that DuckDB reads with
/// <c>pread</c>: those pages are never mapped, so the resident set does not see them, and the machine-wide
/// <c>Shmem</c> counter is shared with every other process.
/// </summary>
/// <remarks>
/// On Linux it reads <c>/proc/self/statm</c> (resident set), <c>/proc/self/status</c> (<c>VmHWM</c>, the kernel's peak of
/// the resident set) and the sizes of the descriptors in <c>/proc/self/fd</c> whose link starts with <c>/memfd:</c>.
/// Elsewhere it degrades to <see cref="Process.WorkingSet64"/> and <see cref="Process.PeakWorkingSet64"/>, with no memory
/// files (<see cref="HasMemoryFiles"/> is <see langword="false"/>).
/// </remarks>
/// <param name="ResidentBytes">The resident set now, in bytes.</param>
/// <param name="PeakResidentBytes">The kernel's peak of the resident set over the process's life, in bytes.</param>
/// <param name="MemoryFileBytes">Bytes held in this process's open memory files now.</param>
/// <param name="HasMemoryFiles">Whether memory files were counted (Linux with <c>/proc</c>).</param>
public readonly record struct MemoryFootprint(long ResidentBytes, long PeakResidentBytes, long MemoryFileBytes, bool HasMemoryFiles)
{
    private const string MemoryFilePrefix = "/memfd:";

    // The .NET runtime's own memory file for W^X code (a sparse reservation of many GiB whose pages are mapped, so the
    // resident set already counts them); it holds no data.
    private const string RuntimeCodeMemoryFile = "/memfd:doublemapper";

    private static readonly long s_pageSize = Environment.SystemPageSize;

    /// <summary>The footprint now: <see cref="ResidentBytes"/> plus <see cref="MemoryFileBytes"/>.</summary>
    public long TotalBytes => ResidentBytes + MemoryFileBytes;

    /// <summary>Whether <c>/proc/self</c> is readable, so memory files are counted.</summary>
    public static bool IsProcAvailable { get; } = OperatingSystem.IsLinux() && File.Exists("/proc/self/statm");

    /// <summary>Reads the footprint of this process now.</summary>
    /// <returns>The snapshot.</returns>
    public static MemoryFootprint Capture()
    {
        if (IsProcAvailable && TryReadProc(out MemoryFootprint footprint))
        {
            return footprint;
        }

        using var process = Process.GetCurrentProcess();
        return new MemoryFootprint(process.WorkingSet64, process.PeakWorkingSet64, 0, HasMemoryFiles: false);
    }

    /// <summary>The bytes held in this process's open memory files (0 where <c>/proc/self/fd</c> cannot be read).</summary>
    /// <returns>The sum of their sizes.</returns>
    public static long MeasureMemoryFiles()
    {
        if (!IsProcAvailable)
        {
            return 0;
        }

        long total = 0;
        IEnumerable<string> descriptors;
        try
        {
            descriptors = Directory.EnumerateFileSystemEntries("/proc/self/fd");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        // A memory file opened again through /proc/self/fd/N (as DuckDB opens it) is a second descriptor of the same file:
        // count each file once, by the inode /proc/self/fdinfo gives (Linux 5.14 and later; older kernels count each descriptor).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string descriptor in descriptors)
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is not string target
                    || !target.StartsWith(MemoryFilePrefix, StringComparison.Ordinal)
                    || target.StartsWith(RuntimeCodeMemoryFile, StringComparison.Ordinal)
                    || (ReadInode(Path.GetFileName(descriptor)) is string inode && !seen.Add(inode)))
                {
                    continue;
                }

                // Open through the link and fstat: FileInfo.Length would be the link's own size.
                using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(descriptor, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                total += RandomAccess.GetLength(handle);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The descriptor closed between the listing and the look: it holds nothing any more.
            }
        }

        return total;
    }

    /// <summary>The <c>mnt_id</c> and <c>ino</c> lines of <c>/proc/self/fdinfo/N</c>, which identify the open file; <see langword="null"/> without <c>ino</c>.</summary>
    private static string? ReadInode(string descriptor)
    {
        string? mount = null;
        foreach (string line in File.ReadLines("/proc/self/fdinfo/" + descriptor))
        {
            if (line.StartsWith("mnt_id:", StringComparison.Ordinal))
            {
                mount = line[7..].Trim();
            }
            else if (line.StartsWith("ino:", StringComparison.Ordinal))
            {
                return mount + ":" + line[4..].Trim();
            }
        }

        return null;
    }

    private static bool TryReadProc(out MemoryFootprint footprint)
    {
        footprint = default;
        try
        {
            // statm: size resident shared text lib data dt, in pages.
            string[] statm = File.ReadAllText("/proc/self/statm").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (statm.Length < 2 || !long.TryParse(statm[1], NumberStyles.None, CultureInfo.InvariantCulture, out long residentPages))
            {
                return false;
            }

            long resident = residentPages * s_pageSize;
            long peak = resident;
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Math.Max(peak, ParseKilobytes(line));
                    break;
                }
            }

            footprint = new MemoryFootprint(resident, peak, MeasureMemoryFiles(), HasMemoryFiles: true);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A <c>/proc/self/status</c> line such as <c>VmHWM:   123456 kB</c>, in bytes (0 when malformed).</summary>
    private static long ParseKilobytes(string line)
    {
        string[] fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes) ? kilobytes * 1024 : 0;
    }
}
