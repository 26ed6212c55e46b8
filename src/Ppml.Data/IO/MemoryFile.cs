using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ppml.Data.IO;

/// <summary>
/// An anonymous in-memory file (Linux <c>memfd_create</c>): it has no name in any file system, lives in RAM (inside
/// the TEE's protected memory when there is one) and disappears when its last descriptor closes. DuckDB reads it
/// through <see cref="Path"/> (<c>/proc/self/fd/N</c>), so decrypted data never touches a disk.
/// </summary>
internal sealed class MemoryFile : IDisposable
{
    // MFD_CLOEXEC: the descriptor is not inherited by child processes.
    private const uint CloseOnExec = 1;

    private static readonly Lazy<bool> s_isSupported = new(Probe);

    private MemoryFile(SafeFileHandle handle, int descriptor)
    {
        Handle = handle;
        Descriptor = descriptor;
    }

    /// <summary>Whether this runtime can create memory files that DuckDB can open by path.</summary>
    public static bool IsSupported => s_isSupported.Value;

    /// <summary>The open descriptor (read/write).</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The descriptor number.</summary>
    public int Descriptor { get; }

    /// <summary>The path through which this process (and DuckDB inside it) opens the file.</summary>
    public string Path => $"/proc/self/fd/{Descriptor}";

    /// <summary>Creates an empty memory file.</summary>
    /// <param name="name">A label for diagnostics (visible in <c>/proc/self/fd</c> as <c>memfd:NAME</c>; never data).</param>
    /// <returns>The file.</returns>
    /// <exception cref="IOException">The kernel refused (for example: out of memory, or too many open files).</exception>
    public static MemoryFile Create(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Memory files need Linux memfd_create.");
        }

        int descriptor = NativeMethods.MemfdCreate(name, CloseOnExec);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"memfd_create failed: {new Win32Exception(error).Message} (errno {error}).");
        }

        return new MemoryFile(new SafeFileHandle(descriptor, ownsHandle: true), descriptor);
    }

    /// <summary>Closes the descriptor; the kernel frees the memory.</summary>
    public void Dispose() => Handle.Dispose();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            using MemoryFile probe = Create("ppml-probe");
            RandomAccess.Write(probe.Handle, "ok"u8, 0);
            return File.Exists(probe.Path);
        }
        catch (Exception exception) when (exception is IOException or EntryPointNotFoundException or DllNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        // The name is passed as NUL-terminated UTF-8 bytes: no string marshalling (and no unsafe code) needed.
        [DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int MemfdCreate(byte[] name, uint flags);

        public static int MemfdCreate(string name, uint flags) =>
            MemfdCreate(System.Text.Encoding.UTF8.GetBytes(name + "\0"), flags);
    }
}
