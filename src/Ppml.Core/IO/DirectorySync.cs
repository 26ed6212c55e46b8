using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ppml.Core.IO;

/// <summary>
/// Flushes a directory's entries to disk (<c>fsync</c> of the directory), so a rename or a new entry survives a
/// crash. .NET has no API for this: on Linux and macOS the directory is opened read-only and <c>fsync</c>ed through
/// libc. On Windows it is a no-op: NTFS journals metadata and directories cannot be flushed through a handle
/// opened by ordinary code (<c>FlushFileBuffers</c> on a directory needs backup privileges).
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on Linux and macOS.
    private const int InvalidArgument = 22; // EINVAL, the same number on Linux and macOS.
    private const int PermissionDenied = 13; // EACCES, the same number on Linux and macOS.

    private static readonly ConcurrentDictionary<object, Action<string>> Observers = new();

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries to disk. A file system that cannot sync directories
    /// (<c>EINVAL</c>) and a directory the process may write but not read (<c>EACCES</c> on open) are skipped:
    /// the rename has happened and only its durability cannot be forced there.
    /// </summary>
    /// <param name="directory">The directory whose entries changed.</param>
    /// <exception cref="IOException">The directory could not be opened or <c>fsync</c> failed.</exception>
    public static void Flush(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        foreach (Action<string> observer in Observers.Values)
        {
            observer(directory);
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = NativeMethods.Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error == PermissionDenied)
            {
                return;
            }

            throw new IOException($"Could not open directory '{directory}' to flush it to disk: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }

        try
        {
            if (NativeMethods.FSync(descriptor) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error != InvalidArgument)
                {
                    throw new IOException($"Could not flush directory '{directory}' to disk: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
                }
            }
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

    /// <summary>Test seam: <paramref name="observer"/> sees every directory flushed until the result is disposed.</summary>
    /// <param name="observer">Called with the directory path before each flush.</param>
    /// <returns>Disposing it stops the observation.</returns>
    internal static IDisposable Observe(Action<string> observer)
    {
        var key = new Subscription();
        Observers[key] = observer;
        return key;
    }

    private sealed class Subscription : IDisposable
    {
        public void Dispose() => Observers.TryRemove(this, out _);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int FSync(int descriptor);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Close(int descriptor);
    }
}
