using System.Runtime.InteropServices;

namespace Ppml.Core.IO;

/// <summary>
/// Who owns a file, as git's <c>safe.directory</c> check asks: is this directory the current user's? .NET has no API for
/// a file's owner, so on Linux it asks the kernel through libc <c>statx</c> (whose buffer has one layout on every
/// architecture) and <c>geteuid</c>. Elsewhere, or where <c>statx</c> is missing, the answer is "unknown", and callers
/// that only trust what they can verify treat that as "not owned".
/// </summary>
public static partial class FileOwnership
{
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxUid = 0x8; // STATX_UID
    private const int StatxBufferSize = 256; // sizeof(struct statx)
    private const int StatxUidOffset = 20; // stx_mask u32, stx_blksize u32, stx_attributes u64, stx_nlink u32, then stx_uid u32

    /// <summary>The effective user id of this process; <see langword="null"/> where it cannot be read (not Linux).</summary>
    public static uint? CurrentUserId => OperatingSystem.IsLinux() ? NativeMethods.GetEffectiveUserId() : null;

    /// <summary>The user id owning <paramref name="path"/> (a symbolic link is followed).</summary>
    /// <param name="path">The file or directory.</param>
    /// <returns>The owner's user id; <see langword="null"/> when it cannot be read (not Linux, no <c>statx</c>, no such file).</returns>
    public static uint? GetOwner(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        byte[] buffer = new byte[StatxBufferSize];
        try
        {
            if (NativeMethods.Statx(AtCurrentDirectory, path, 0, StatxUid, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without statx (glibc before 2.28): the owner is unknown.
            return null;
        }

        return BitConverter.ToUInt32(buffer, StatxUidOffset);
    }

    /// <summary>Whether the current user owns <paramref name="path"/>: <see langword="null"/> when either cannot be read.</summary>
    /// <param name="path">The file or directory.</param>
    /// <returns>Whether the owner is the effective user of this process, or <see langword="null"/> when unknown.</returns>
    public static bool? IsOwnedByCurrentUser(string path) =>
        GetOwner(path) is { } owner && CurrentUserId is { } user ? owner == user : null;

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

        [LibraryImport("libc", EntryPoint = "geteuid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial uint GetEffectiveUserId();
    }
}
