using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Ppml.Data.Spill;

/// <summary>
/// Installs, once per process, the hooks that make libduckdb's temporary files encrypted: libduckdb's GOT slots of the
/// file calls it makes are redirected to the <see cref="UnmanagedCallersOnlyAttribute"/> functions here, which hand over
/// to <see cref="EncryptedTempFiles"/>. Only libduckdb's own calls are affected, and only files inside a registered spill
/// directory are treated differently; every other call passes through to libc.
/// </summary>
/// <remarks>
/// Measured on DuckDB 1.5.6 (strace of a 20M-row sort at 150 MB): its temporary files are opened with <c>open</c>
/// (<c>O_RDWR|O_CREAT</c>), sized with <c>fstat</c>, written with <c>pwrite</c> and read with <c>pread</c> in whole slots
/// (32, 64, 96 … 224 KiB compressed, 256 KiB plain) at slot offsets, shrunk with <c>ftruncate</c>, closed and
/// <c>unlink</c>ed; no <c>read</c>, <c>write</c> or <c>lseek</c>. Variable-size blocks go to <c>duckdb_temp_block-N.block</c>
/// files: <c>pwrite</c> of 8 bytes at 0 and of the block at 8, read back the same way through a second <c>open</c>.
/// </remarks>
internal static unsafe class SpillHooks
{
    /// <summary>The module whose GOT is patched.</summary>
    internal const string ModuleSuffix = "libduckdb.so";

    private static readonly Lock s_gate = new();
    private static List<(nint Slot, nint Value)>? s_installed;
    private static string? s_failure;

    /// <summary>The imports that must be hooked for the encryption to be complete: without any of them, no spilling.</summary>
    private static readonly string[] s_required = ["open", "close", "pread", "pwrite", "unlink", "ftruncate"];

    /// <summary>Imports that could write a spill file without passing through a hook: if libduckdb has any, no spilling.</summary>
    private static readonly string[] s_unhandled =
        ["openat", "openat64", "pwritev", "pwritev2", "pwrite64v", "writev", "copy_file_range", "sendfile", "sendfile64", "freopen", "freopen64"];

    /// <summary>Whether the hooks are in place (installs them on first use).</summary>
    /// <param name="reason">Why not, when they are not.</param>
    public static bool TryEnsureInstalled([NotNullWhen(false)] out string? reason)
    {
        lock (s_gate)
        {
            if (s_installed is { } installed)
            {
                // A thread that was inside the lazy binder for one of these symbols when we patched could have written the
                // resolved address over ours afterwards: put ours back.
                var stale = installed.Where(w => ElfGotHooks.Read(w.Slot) != w.Value).ToList();
                try
                {
                    if (stale.Count > 0)
                    {
                        ElfGotHooks.Patch(stale);
                    }
                }
                catch (IOException exception)
                {
                    reason = exception.Message;
                    return false;
                }

                reason = null;
                return true;
            }

            if (s_failure is not null)
            {
                reason = s_failure;
                return false;
            }

            try
            {
                s_installed = Install();
                reason = null;
                return true;
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
            {
                s_failure = exception.Message;
                reason = s_failure;
                return false;
            }
        }
    }

    /// <summary>
    /// Before a spill file is opened: if the hooks are installed, checks that every patched slot still holds its hook and
    /// puts back any that does not (see <see cref="TryEnsureInstalled"/>). True when nothing is installed (direct callers).
    /// </summary>
    public static bool VerifyInstalled() => Volatile.Read(ref s_installed) is null || TryEnsureInstalled(out _);

    private static List<(nint Slot, nint Value)> Install()
    {
        if (!ElfGotHooks.IsPlatformSupported)
        {
            throw new PlatformNotSupportedException(
                $"Encrypted spilling hooks libduckdb's libc calls, which is done on Linux x64 and arm64 only (this is {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}).");
        }

        EncryptedTempFiles.Initialize();
        Dictionary<string, nint> hooks = Hooks();
        IReadOnlyList<ElfGotHooks.LoadedModule> modules = ElfGotHooks.FindModules(ModuleSuffix);
        if (modules.Count == 0)
        {
            throw new IOException($"No {ModuleSuffix} is loaded in this process (open a DuckDB connection first).");
        }

        var writes = new List<(nint Slot, nint Value)>();
        var names = new HashSet<string>(hooks.Keys.Concat(s_unhandled), StringComparer.Ordinal);
        foreach (ElfGotHooks.LoadedModule module in modules)
        {
            IReadOnlyList<ElfGotHooks.GotSlot> slots = ElfGotHooks.FindSlots(module.LoadBase, module.Dynamic, names, RuntimeInformation.ProcessArchitecture);
            if (slots.FirstOrDefault(s => s_unhandled.Contains(s.Symbol)) is { Symbol: not null } unhandled)
            {
                throw new IOException($"{module.Name} imports {unhandled.Symbol}, which the spill encryption does not handle.");
            }

            string[] missing = [.. s_required.Where(r => !slots.Any(s => s.Symbol == r))];
            if (missing.Length > 0)
            {
                throw new IOException($"{module.Name} does not import {string.Join(", ", missing)} through its GOT; its file calls cannot be hooked.");
            }

            writes.AddRange(slots.Select(s => (s.Address, hooks[s.Symbol])));
        }

        ElfGotHooks.Patch(writes);
        return writes;
    }

    /// <summary>Our function for each libc import (the 64-bit names have the same ABI on LP64).</summary>
    private static Dictionary<string, nint> Hooks() => new(StringComparer.Ordinal)
    {
        ["open"] = (nint)(delegate* unmanaged<byte*, int, uint, int>)&OpenHook,
        ["open64"] = (nint)(delegate* unmanaged<byte*, int, uint, int>)&OpenHook,
        ["creat"] = (nint)(delegate* unmanaged<byte*, uint, int>)&CreateHook,
        ["creat64"] = (nint)(delegate* unmanaged<byte*, uint, int>)&CreateHook,
        ["fopen"] = (nint)(delegate* unmanaged<byte*, byte*, nint>)&FOpenHook,
        ["fopen64"] = (nint)(delegate* unmanaged<byte*, byte*, nint>)&FOpenHook,
        ["close"] = (nint)(delegate* unmanaged<int, int>)&CloseHook,
        ["pread"] = (nint)(delegate* unmanaged<int, byte*, nuint, long, nint>)&PReadHook,
        ["pread64"] = (nint)(delegate* unmanaged<int, byte*, nuint, long, nint>)&PReadHook,
        ["pwrite"] = (nint)(delegate* unmanaged<int, byte*, nuint, long, nint>)&PWriteHook,
        ["pwrite64"] = (nint)(delegate* unmanaged<int, byte*, nuint, long, nint>)&PWriteHook,
        ["read"] = (nint)(delegate* unmanaged<int, byte*, nuint, nint>)&ReadHook,
        ["write"] = (nint)(delegate* unmanaged<int, byte*, nuint, nint>)&WriteHook,
        ["lseek"] = (nint)(delegate* unmanaged<int, long, int, long>)&SeekHook,
        ["lseek64"] = (nint)(delegate* unmanaged<int, long, int, long>)&SeekHook,
        ["ftruncate"] = (nint)(delegate* unmanaged<int, long, int>)&TruncateHook,
        ["ftruncate64"] = (nint)(delegate* unmanaged<int, long, int>)&TruncateHook,
        ["unlink"] = (nint)(delegate* unmanaged<byte*, int>)&UnlinkHook,
        ["remove"] = (nint)(delegate* unmanaged<byte*, int>)&RemoveHook,
        ["rename"] = (nint)(delegate* unmanaged<byte*, byte*, int>)&RenameHook,
        ["mmap"] = (nint)(delegate* unmanaged<nint, nuint, int, int, int, long, nint>)&MapHook,
        ["mmap64"] = (nint)(delegate* unmanaged<nint, nuint, int, int, int, long, nint>)&MapHook,
    };

    // Every hook catches everything: an exception must never unwind into native code. A failure is EIO.

    // open is variadic; on x86-64 and AArch64 Linux the variadic mode arrives in the third integer register, like a
    // declared argument. Without O_CREAT it is garbage, which open ignores.
    [UnmanagedCallersOnly]
    private static int OpenHook(byte* path, int flags, uint mode)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Open(path, flags, mode), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static int CreateHook(byte* path, uint mode)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Create(path, mode), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint FOpenHook(byte* path, byte* mode)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            nint stream = EncryptedTempFiles.FOpen(path, mode);
            if (stream != 0)
            {
                Marshal.SetLastSystemError(saved);
            }

            return stream;
        }
        catch (Exception)
        {
            _ = Failed();
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int CloseHook(int descriptor)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Close(descriptor), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint PReadHook(int descriptor, byte* buffer, nuint count, long offset)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.PRead(descriptor, buffer, count, offset), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint PWriteHook(int descriptor, byte* buffer, nuint count, long offset)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.PWrite(descriptor, buffer, count, offset), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint ReadHook(int descriptor, byte* buffer, nuint count)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Read(descriptor, buffer, count), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint WriteHook(int descriptor, byte* buffer, nuint count)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Write(descriptor, buffer, count), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static long SeekHook(int descriptor, long offset, int whence)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Seek(descriptor, offset, whence), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static int TruncateHook(int descriptor, long length)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Truncate(descriptor, length), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static int UnlinkHook(byte* path)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Unlink(path), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static int RemoveHook(byte* path)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Remove(path), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static int RenameHook(byte* oldPath, byte* newPath)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.Rename(oldPath, newPath), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    [UnmanagedCallersOnly]
    private static nint MapHook(nint address, nuint length, int protection, int flags, int descriptor, long offset)
    {
        int saved = Marshal.GetLastSystemError();
        try
        {
            return Succeeded(EncryptedTempFiles.MapMemory(address, length, protection, flags, descriptor, offset), saved);
        }
        catch (Exception)
        {
            return Failed();
        }
    }

    /// <summary>
    /// Puts back the caller's errno when the call succeeded: libc leaves errno alone on success, but our P/Invokes (which
    /// capture errno) may have changed it.
    /// </summary>
    private static T Succeeded<T>(T result, int savedErrno)
        where T : System.Numerics.INumber<T>
    {
        if (result >= T.Zero)
        {
            Marshal.SetLastSystemError(savedErrno);
        }

        return result;
    }

    private static int Failed()
    {
        Marshal.SetLastSystemError(SpillNative.ErrorIO);
        return -1;
    }
}
