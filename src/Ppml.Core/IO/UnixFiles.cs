using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ppml.Core.IO;

/// <summary>
/// The libc calls .NET has no API for: anonymous temporary files (<c>O_TMPFILE</c>) linked in with <c>linkat</c>,
/// advisory locks on directories (<c>flock</c>), and the file type of a path (<c>statx</c>). Linux first; every caller
/// has a portable fallback where a call is unavailable.
/// </summary>
internal static partial class UnixFiles
{
    private const int WriteOnly = 1; // O_WRONLY
    private const int ReadOnly = 0; // O_RDONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (02000000) on Linux x86, x64, ARM and ARM64
    private const int TemporaryFileBits = 0x400000; // __O_TMPFILE (020000000); O_TMPFILE = __O_TMPFILE | O_DIRECTORY
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int FollowSymbolicLinks = 0x400; // AT_SYMLINK_FOLLOW
    private const int NoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    private const int TypeMask = 1; // STATX_TYPE
    private const int LockExclusive = 2; // LOCK_EX (Linux and macOS)
    private const int LockNonBlocking = 4; // LOCK_NB (Linux and macOS)

    /// <summary>errno EEXIST.</summary>
    public const int AlreadyExists = 17;

    /// <summary>errno ENOENT.</summary>
    public const int NotFound = 2;

    /// <summary>errno EWOULDBLOCK (EAGAIN on Linux).</summary>
    public const int WouldBlockLinux = 11;

    /// <summary>errno EWOULDBLOCK on macOS.</summary>
    public const int WouldBlockMac = 35;

    /// <summary>What a path is, as <c>statx</c> reports it.</summary>
    internal enum EntryType
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Unknown,
    }

    /// <summary>Whether <c>O_TMPFILE</c> may be tried: Linux on an architecture whose <c>O_DIRECTORY</c> we know, with <c>/proc/self/fd</c> to link through.</summary>
    public static bool SupportsAnonymousFiles { get; } =
        OperatingSystem.IsLinux() && DirectoryFlag() != 0 && Directory.Exists("/proc/self/fd");

    /// <summary>Whether <see cref="GetEntryType"/> works here (Linux: <c>statx</c>, glibc 2.28+ or musl 1.2.5+).</summary>
    public static bool CanStat => OperatingSystem.IsLinux();

    /// <summary>
    /// Opens an unnamed file in <paramref name="directory"/> (<c>O_TMPFILE</c>): it has no name until <see cref="Link"/>
    /// gives it one, so a process that dies leaves nothing behind. <see langword="null"/> when the file system or kernel
    /// does not support it (the caller falls back to a named temporary file).
    /// </summary>
    public static SafeFileHandle? TryOpenAnonymous(string directory, UnixFileMode mode)
    {
        if (!SupportsAnonymousFiles)
        {
            return null;
        }

        int descriptor = NativeMethods.Open(directory, TemporaryFileBits | DirectoryFlag() | WriteOnly | CloseOnExec, (int)mode);
        if (descriptor < 0)
        {
            // EOPNOTSUPP (file system), EISDIR or EINVAL (kernel older than 3.11): fall back. Anything else (EACCES,
            // ENOSPC) would fail the named temporary file the same way, which then reports it.
            return null;
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>Gives the anonymous file <paramref name="handle"/> the name <paramref name="path"/> (<c>linkat</c> through <c>/proc/self/fd</c>); never replaces an entry.</summary>
    /// <returns>0, or the errno (<see cref="AlreadyExists"/> when <paramref name="path"/> exists).</returns>
    public static int Link(SafeFileHandle handle, string path)
    {
        string source = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        return NativeMethods.LinkAt(CurrentDirectory, source, CurrentDirectory, path, FollowSymbolicLinks) == 0
            ? 0
            : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Takes an exclusive advisory lock (<c>flock</c>) on <paramref name="path"/> (a file or a directory) without waiting.
    /// </summary>
    /// <returns>The open descriptor holding the lock (closing it releases the lock); <see langword="null"/> when another open file holds it.</returns>
    /// <exception cref="IOException">The path could not be opened or locked for another reason.</exception>
    public static SafeFileHandle? TryLock(string path)
    {
        int descriptor = NativeMethods.Open(path, ReadOnly | (OperatingSystem.IsLinux() ? CloseOnExec : 0), 0);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not open '{path}' to lock it: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        if (NativeMethods.Flock(descriptor, LockExclusive | LockNonBlocking) == 0)
        {
            return handle;
        }

        int lockError = Marshal.GetLastPInvokeError();
        handle.Dispose();
        if (lockError is WouldBlockLinux or WouldBlockMac)
        {
            return null;
        }

        throw new IOException($"Could not lock '{path}': {Marshal.GetPInvokeErrorMessage(lockError)} (errno {lockError}).");
    }

    /// <summary>The type of <paramref name="path"/>, following symbolic links or not. Linux only (<see cref="CanStat"/>).</summary>
    /// <exception cref="IOException"><c>statx</c> failed with something other than "not found".</exception>
    public static EntryType GetEntryType(string path, bool followLinks)
    {
        Span<byte> buffer = stackalloc byte[256]; // struct statx is 256 bytes, the same layout on every architecture
        if (NativeMethods.Statx(CurrentDirectory, path, followLinks ? 0 : NoFollow, TypeMask, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error is NotFound or 20) // ENOTDIR: a path component is a file
            {
                return EntryType.Missing;
            }

            throw new IOException($"Could not inspect '{path}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }

        ushort mode = BitConverter.ToUInt16(buffer[28..30]); // stx_mode at offset 28
        return (mode & 0xF000) switch // S_IFMT
        {
            0x8000 => EntryType.Regular,
            0x4000 => EntryType.Directory,
            0xA000 => EntryType.SymbolicLink,
            0x1000 => EntryType.Fifo,
            0x2000 => EntryType.CharacterDevice,
            0x6000 => EntryType.BlockDevice,
            0xC000 => EntryType.Socket,
            _ => EntryType.Unknown,
        };
    }

    /// <summary>O_DIRECTORY, which differs between architectures; 0 where we do not know it (no O_TMPFILE then).</summary>
    private static int DirectoryFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x10000, // 0200000
        Architecture.Arm64 or Architecture.Arm => 0x4000, // 040000
        _ => 0,
    };

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Open(string path, int flags, int mode);

        [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int LinkAt(int oldDirectory, string oldPath, int newDirectory, string newPath, int flags);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Flock(int descriptor, int operation);

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static partial int Statx(int directory, string path, int flags, int mask, ref byte buffer);
    }
}
