using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// Exclusive advisory locks (<c>flock</c>) that mark a file or directory as in use by a live process: a cleanup that
/// finds the lock free knows the owner is gone (for example a staging or spill directory left by a killed run).
/// </summary>
public static class AdvisoryLock
{
    /// <summary>Takes an exclusive lock on <paramref name="path"/> (a file or a directory) without waiting.</summary>
    /// <param name="path">The file or directory to lock.</param>
    /// <returns>The open descriptor holding the lock (closing it releases the lock); <see langword="null"/> when another open file holds it.</returns>
    /// <exception cref="IOException">The path could not be opened or locked for another reason.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, which has no <c>flock</c>.</exception>
    public static SafeFileHandle? TryAcquire(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Advisory locks (flock) are not available on Windows.");
        }

        return UnixFiles.TryLock(path);
    }
}
