using System.Runtime.InteropServices;

namespace Ppml.Data.Spill;

/// <summary>
/// The real libc calls behind the spill hooks. These P/Invokes bind to libc itself (the runtime resolves them with
/// <c>dlsym</c> on libc), not through libduckdb's GOT, so calling them from a hook never recurses into the hook.
/// </summary>
internal static unsafe partial class SpillNative
{
    public const int ReadWrite = 2; // O_RDWR
    public const int Create = 0x40; // O_CREAT (0100)
    public const int WriteOnly = 1; // O_WRONLY
    public const int Truncate = 0x200; // O_TRUNC (01000)
    public const int Append = 0x400; // O_APPEND (02000)
    public const int CloseOnExec = 0x80000; // O_CLOEXEC (02000000) on Linux x64 and arm64

    public const int ErrorNotFound = 2; // ENOENT
    public const int ErrorIO = 5; // EIO
    public const int ErrorAccess = 13; // EACCES
    public const int ErrorCrossDevice = 18; // EXDEV
    public const int ErrorInvalid = 22; // EINVAL

    public const int ProtectRead = 1;
    public const int ProtectWrite = 2;
    public const int ProtectExecute = 4;

    /// <summary>O_DIRECT, which differs between architectures (stripped from spill files: our buffers are not aligned).</summary>
    public static int DirectIO { get; } = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    /// <summary>O_DIRECTORY, which differs between architectures: 0200000 on x64, 040000 on arm64.</summary>
    public static int DirectoryOnly { get; } = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint PRead(int descriptor, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint PWrite(int descriptor, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint Read(int descriptor, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint Write(int descriptor, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial long Seek(int descriptor, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FTruncate(int descriptor, long length);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Unlink(byte* path);

    [LibraryImport("libc", EntryPoint = "remove", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Remove(byte* path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Rename(byte* oldPath, byte* newPath);

    [LibraryImport("libc", EntryPoint = "fopen", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint FOpen(byte* path, byte* mode);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint MapMemory(nint address, nuint length, int protection, int flags, int descriptor, long offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Protect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int MakeDirectory(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "dl_iterate_phdr")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int IteratePrograms(delegate* unmanaged<DlPhdrInfo*, nuint, nint, int> callback, nint data);

    /// <summary><c>struct dl_phdr_info</c> (64-bit): the fields we read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DlPhdrInfo
    {
        public nint Address;
        public byte* Name;
        public byte* ProgramHeaders;
        public ushort ProgramHeaderCount;
    }
}
