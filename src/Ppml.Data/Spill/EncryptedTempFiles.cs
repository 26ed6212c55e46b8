using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ppml.Data.Spill;

/// <summary>
/// Transparent encryption of the files DuckDB writes into a registered spill directory. The hooked libc calls of
/// libduckdb (<see cref="SpillHooks"/>) come here: a file opened inside a registered directory is tracked, every
/// <c>pwrite</c> to it is encrypted with AES-256-GCM before it reaches the disk (same length, same offset), and every
/// <c>pread</c> is decrypted and authenticated before DuckDB sees a byte. Everything else passes through to libc.
/// </summary>
/// <remarks>
/// <para>The key is 256 random bits drawn once per process and held only in this process's memory: nothing ever writes
/// it, so what a crashed or killed process leaves on disk cannot be decrypted by anyone, including a later run.</para>
/// <para>Nonce (96 bits): the file's id (32 bits) and a process-wide 64-bit counter incremented for every write, so no
/// nonce repeats under the key (2^64 writes would be needed). AAD: file id, offset and length, so a write's ciphertext
/// cannot be moved to another file or offset. The nonce counter and the 16-byte tag of every live write stay in memory
/// (<see cref="SpillWrites"/>); a read must fall on writes recorded there and authenticate, or it fails with
/// <c>EIO</c> — a replayed, moved, truncated, altered or planted block is never returned.</para>
/// <para>Thread-safe: DuckDB's threads call concurrently. The descriptor table and registry change under one lock; the
/// records of a file under that file's lock; encryption and I/O run outside both.</para>
/// </remarks>
internal static unsafe class EncryptedTempFiles
{
    private const int TagSize = 16;
    private const int NonceSize = 12;
    private const int AadSize = 20;

    private static readonly Lock s_gate = new();
    private static readonly byte[] s_key = CreateKey();
    private static readonly Dictionary<string, SpillFile> s_byPath = new(StringComparer.Ordinal);
    private static volatile SpillRoot[] s_roots = [];
    private static volatile SpillFile?[] s_descriptors = new SpillFile?[256];
    private static long s_counter;
    private static int s_nextFileId;

    [ThreadStatic]
    private static AesGcm? t_aes;

    /// <summary>Registers <paramref name="directory"/> (a full path): files DuckDB opens directly inside it are encrypted from now on.</summary>
    /// <returns>The registration; dispose it to stop tracking new files there (files still open stay encrypted).</returns>
    public static SpillRoot Register(string directory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var root = new SpillRoot(full);
        lock (s_gate)
        {
            if (s_roots.Any(r => r.Directory == full))
            {
                throw new InvalidOperationException($"Spill directory '{full}' is already registered.");
            }

            s_roots = [.. s_roots, root];
        }

        return root;
    }

    /// <summary>Stops tracking new files in <paramref name="root"/>'s directory.</summary>
    internal static void Unregister(SpillRoot root)
    {
        lock (s_gate)
        {
            s_roots = [.. s_roots.Where(r => !ReferenceEquals(r, root))];

            // Files DuckDB left there (the directory is about to be deleted): forget them unless still open.
            foreach (SpillFile file in s_byPath.Values.Where(f => ReferenceEquals(f.Root, root) && f.OpenCount == 0).ToList())
            {
                s_byPath.Remove(file.Path);
                lock (file.Writes)
                {
                    file.Writes.Clear();
                }
            }
        }
    }

    /// <summary>Draws the key now, on the caller's thread, rather than in the first hooked call.</summary>
    internal static void Initialize() => _ = s_key.Length;

    /// <summary>Hooked <c>open</c>: a path inside a registered directory is opened close-on-exec, mode 0600, and tracked.</summary>
    public static int Open(byte* path, int flags, uint mode)
    {
        SpillRoot[] roots = s_roots;
        if (roots.Length == 0 || path is null)
        {
            return Pass(SpillNative.Open(path, flags, mode));
        }

        string name = Marshal.PtrToStringUTF8((nint)path)!;
        SpillRoot? root = Match(roots, name, out bool allowed);
        if (root is null)
        {
            return Pass(SpillNative.Open(path, flags, mode));
        }

        if (!allowed)
        {
            return Fail(SpillNative.ErrorAccess);
        }

        if (!SpillHooks.VerifyInstalled())
        {
            return Fail(SpillNative.ErrorIO); // a hook was lost and could not be put back: no spill file without them
        }

        // Close-on-exec; no O_DIRECT (our buffers are not aligned) and no O_APPEND (pwrite must land at its offset).
        int descriptor = SpillNative.Open(path, (flags | SpillNative.CloseOnExec) & ~(SpillNative.DirectIO | SpillNative.Append), 0x180); // 0600
        if (descriptor < 0)
        {
            return Fail(Marshal.GetLastPInvokeError());
        }

        lock (s_gate)
        {
            if (!s_byPath.TryGetValue(name, out SpillFile? file))
            {
                file = new SpillFile(++s_nextFileId, name, root);
                s_byPath.Add(name, file);
            }

            if ((flags & SpillNative.Truncate) != 0)
            {
                lock (file.Writes)
                {
                    file.Writes.Clear();
                }
            }

            file.OpenCount++;
            SpillFile?[] table = s_descriptors;
            if (descriptor >= table.Length)
            {
                Array.Resize(ref table, Math.Max(descriptor + 1, table.Length * 2));
            }

            table[descriptor] = file;
            s_descriptors = table;
        }

        return descriptor;
    }

    /// <summary>Hooked <c>creat</c>: <c>open(path, O_CREAT | O_WRONLY | O_TRUNC, mode)</c>.</summary>
    public static int Create(byte* path, uint mode) =>
        Open(path, SpillNative.Create | SpillNative.WriteOnly | SpillNative.Truncate, mode);

    /// <summary>Hooked <c>fopen</c>: refused inside a spill directory (stdio would bypass the encryption).</summary>
    public static nint FOpen(byte* path, byte* mode)
    {
        SpillRoot[] roots = s_roots;
        if (roots.Length > 0 && path is not null && Match(roots, Marshal.PtrToStringUTF8((nint)path)!, out _) is not null)
        {
            Fail(SpillNative.ErrorAccess);
            return 0;
        }

        nint stream = SpillNative.FOpen(path, mode);
        if (stream == 0)
        {
            Fail(Marshal.GetLastPInvokeError());
        }

        return stream;
    }

    /// <summary>Hooked <c>close</c>.</summary>
    public static int Close(int descriptor)
    {
        if (Lookup(descriptor) is not null)
        {
            lock (s_gate)
            {
                // Untracked before the descriptor number can be reused by another open.
                if (s_descriptors[descriptor] is { } file)
                {
                    s_descriptors[descriptor] = null;
                    file.OpenCount--;
                    if (file.OpenCount == 0 && !file.IsNamed)
                    {
                        lock (file.Writes)
                        {
                            file.Writes.Clear();
                        }
                    }
                }
            }
        }

        return Pass(SpillNative.Close(descriptor));
    }

    /// <summary>Hooked <c>pwrite</c>: encrypts, writes the ciphertext (same length, same offset), records nonce and tag.</summary>
    public static nint PWrite(int descriptor, byte* buffer, nuint count, long offset)
    {
        if (Lookup(descriptor) is not { } file)
        {
            return Pass(SpillNative.PWrite(descriptor, buffer, count, offset));
        }

        if (count == 0)
        {
            return 0;
        }

        if (count > int.MaxValue || offset < 0 || offset > long.MaxValue - (long)count)
        {
            return Fail(SpillNative.ErrorInvalid);
        }

        int length = (int)count;
        ulong counter = (ulong)Interlocked.Increment(ref s_counter);
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        Span<byte> tag = stackalloc byte[TagSize];
        Describe(file.Id, counter, offset, length, nonce, aad);
        byte[] ciphertext = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Aes().Encrypt(nonce, new ReadOnlySpan<byte>(buffer, length), ciphertext.AsSpan(0, length), tag, aad);
            lock (file.Writes)
            {
                // Until the new record is in, nothing in this range can be read back.
                file.Writes.Invalidate(offset, length);
            }

            fixed (byte* source = ciphertext)
            {
                int written = 0;
                while (written < length)
                {
                    nint result = SpillNative.PWrite(descriptor, source + written, (nuint)(length - written), offset + written);
                    if (result < 0)
                    {
                        return Fail(Marshal.GetLastPInvokeError());
                    }

                    if (result == 0)
                    {
                        return Fail(SpillNative.ErrorIO);
                    }

                    written += (int)result;
                }
            }

            lock (file.Writes)
            {
                file.Writes.Add(new SpillWrite(offset, length, counter, tag));
            }

            file.Root.AddWritten(length);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }

    /// <summary>
    /// Hooked <c>pread</c>: every byte of [offset, offset + count) must lie in recorded writes; each such write is read
    /// whole, authenticated and decrypted, and the requested bytes copied out. Anything else is <c>EIO</c>.
    /// </summary>
    public static nint PRead(int descriptor, byte* buffer, nuint count, long offset)
    {
        if (Lookup(descriptor) is not { } file)
        {
            return Pass(SpillNative.PRead(descriptor, buffer, count, offset));
        }

        if (count == 0)
        {
            return 0;
        }

        if (count > int.MaxValue || offset < 0 || offset > long.MaxValue - (long)count)
        {
            return Fail(SpillNative.ErrorInvalid);
        }

        var destination = new Span<byte>(buffer, (int)count);
        long end = offset + (long)count;
        long position = offset;
        while (position < end)
        {
            SpillWrite write;
            bool found;
            lock (file.Writes)
            {
                found = file.Writes.TryFind(position, out write);
            }

            if (!found || !ReadWrite(descriptor, file, write, offset, destination))
            {
                CryptographicOperations.ZeroMemory(destination);
                return Fail(SpillNative.ErrorIO);
            }

            position = write.End;
        }

        return (nint)count;
    }

    /// <summary>Hooked <c>ftruncate</c>: forgets the writes that no longer fit, then truncates.</summary>
    public static int Truncate(int descriptor, long length)
    {
        if (Lookup(descriptor) is { } file)
        {
            lock (file.Writes)
            {
                file.Writes.Truncate(length);
            }
        }

        return Pass(SpillNative.FTruncate(descriptor, length));
    }

    /// <summary>Hooked <c>read</c>: DuckDB reads its temporary files with <c>pread</c> only; on a spill file this is <c>EIO</c>.</summary>
    public static nint Read(int descriptor, byte* buffer, nuint count) =>
        Lookup(descriptor) is null ? Pass(SpillNative.Read(descriptor, buffer, count)) : Fail(SpillNative.ErrorIO);

    /// <summary>Hooked <c>write</c>: DuckDB writes its temporary files with <c>pwrite</c> only; on a spill file this is <c>EIO</c>.</summary>
    public static nint Write(int descriptor, byte* buffer, nuint count) =>
        Lookup(descriptor) is null ? Pass(SpillNative.Write(descriptor, buffer, count)) : Fail(SpillNative.ErrorIO);

    /// <summary>Hooked <c>lseek</c>: unused on temporary files; on a spill file this is <c>EIO</c>.</summary>
    public static long Seek(int descriptor, long offset, int whence) =>
        Lookup(descriptor) is null ? Pass(SpillNative.Seek(descriptor, offset, whence)) : Fail(SpillNative.ErrorIO);

    /// <summary>Hooked <c>mmap</c>: a spill file must not be mapped (the mapping would show ciphertext); <c>EACCES</c>.</summary>
    public static nint MapMemory(nint address, nuint length, int protection, int flags, int descriptor, long offset)
    {
        if (descriptor >= 0 && Lookup(descriptor) is not null)
        {
            return Fail(SpillNative.ErrorAccess); // MAP_FAILED is (void*)-1
        }

        nint result = SpillNative.MapMemory(address, length, protection, flags, descriptor, offset);
        return result == -1 ? Fail(Marshal.GetLastPInvokeError()) : result;
    }

    /// <summary>Hooked <c>unlink</c>.</summary>
    public static int Unlink(byte* path) => Forget(path, SpillNative.Unlink(path));

    /// <summary>Hooked <c>remove</c>.</summary>
    public static int Remove(byte* path) => Forget(path, SpillNative.Remove(path));

    /// <summary>
    /// Hooked <c>rename</c>: within one spill directory the records follow the file; into or out of one it is refused with
    /// <c>EXDEV</c> (a plaintext file must not appear among spill files, nor ciphertext elsewhere under a live name).
    /// </summary>
    public static int Rename(byte* oldPath, byte* newPath)
    {
        SpillRoot[] roots = s_roots;
        if (roots.Length == 0 || oldPath is null || newPath is null)
        {
            return Pass(SpillNative.Rename(oldPath, newPath));
        }

        string from = Marshal.PtrToStringUTF8((nint)oldPath)!;
        string to = Marshal.PtrToStringUTF8((nint)newPath)!;
        SpillRoot? source = Match(roots, from, out _);
        SpillRoot? target = Match(roots, to, out bool allowed);
        if (source is null && target is null)
        {
            return Pass(SpillNative.Rename(oldPath, newPath));
        }

        if (!ReferenceEquals(source, target) || !allowed)
        {
            return Fail(SpillNative.ErrorCrossDevice);
        }

        lock (s_gate)
        {
            if (SpillNative.Rename(oldPath, newPath) != 0)
            {
                return Fail(Marshal.GetLastPInvokeError());
            }

            if (s_byPath.Remove(to, out SpillFile? replaced))
            {
                replaced.IsNamed = false;
            }

            if (s_byPath.Remove(from, out SpillFile? moved))
            {
                s_byPath[to] = moved;
            }
        }

        return 0;
    }

    /// <summary>The file tracked for <paramref name="descriptor"/>, if any (lock-free: the table is replaced, never shrunk).</summary>
    private static SpillFile? Lookup(int descriptor)
    {
        SpillFile?[] table = s_descriptors;
        return (uint)descriptor < (uint)table.Length ? Volatile.Read(ref table[descriptor]) : null;
    }

    /// <summary>Reads, authenticates and decrypts <paramref name="write"/>, copying what overlaps the request into <paramref name="destination"/>.</summary>
    private static bool ReadWrite(int descriptor, SpillFile file, in SpillWrite write, long requestOffset, Span<byte> destination)
    {
        int length = (int)write.Length;
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        Span<byte> tag = stackalloc byte[TagSize];
        Describe(file.Id, write.Counter, write.Offset, length, nonce, aad);
        write.CopyTagTo(tag);
        long requestEnd = requestOffset + destination.Length;
        if (write.Offset >= requestOffset && write.End <= requestEnd)
        {
            // The whole write is wanted: read the ciphertext into place and decrypt it there.
            Span<byte> target = destination.Slice((int)(write.Offset - requestOffset), length);
            return ReadFully(descriptor, target, write.Offset) && TryDecrypt(nonce, target, tag, aad);
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent(length);
        Span<byte> whole = scratch.AsSpan(0, length);
        try
        {
            if (!ReadFully(descriptor, whole, write.Offset) || !TryDecrypt(nonce, whole, tag, aad))
            {
                return false;
            }

            long from = Math.Max(write.Offset, requestOffset);
            long to = Math.Min(write.End, requestEnd);
            whole.Slice((int)(from - write.Offset), (int)(to - from)).CopyTo(destination[(int)(from - requestOffset)..]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(whole);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static bool ReadFully(int descriptor, Span<byte> target, long offset)
    {
        fixed (byte* pointer = target)
        {
            int done = 0;
            while (done < target.Length)
            {
                nint result = SpillNative.PRead(descriptor, pointer + done, (nuint)(target.Length - done), offset + done);
                if (result <= 0)
                {
                    return false; // an error, or the file ends inside a recorded write (truncated behind our back)
                }

                done += (int)result;
            }
        }

        return true;
    }

    /// <summary>Decrypts <paramref name="data"/> in place; on a tag mismatch the output is zeroed (by AesGcm) and false returned.</summary>
    private static bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            Aes().Decrypt(nonce, data, tag, data, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>Nonce = file id (32 bits, big-endian) || counter (64 bits); AAD = file id || offset || length.</summary>
    private static void Describe(int fileId, ulong counter, long offset, int length, Span<byte> nonce, Span<byte> aad)
    {
        BinaryPrimitives.WriteInt32BigEndian(nonce, fileId);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], counter);
        BinaryPrimitives.WriteInt32BigEndian(aad, fileId);
        BinaryPrimitives.WriteInt64BigEndian(aad[4..], offset);
        BinaryPrimitives.WriteInt64BigEndian(aad[12..], length);
    }

    private static int Forget(byte* path, int result)
    {
        if (result != 0)
        {
            return Fail(Marshal.GetLastPInvokeError());
        }

        SpillRoot[] roots = s_roots;
        if (roots.Length > 0 && path is not null)
        {
            string name = Marshal.PtrToStringUTF8((nint)path)!;
            lock (s_gate)
            {
                if (s_byPath.Remove(name, out SpillFile? file))
                {
                    file.IsNamed = false;
                    if (file.OpenCount == 0)
                    {
                        lock (file.Writes)
                        {
                            file.Writes.Clear();
                        }
                    }
                }
            }
        }

        return 0;
    }

    /// <summary>The registered directory that directly contains <paramref name="path"/>; <paramref name="allowed"/> is false for a nested or dot path.</summary>
    private static SpillRoot? Match(SpillRoot[] roots, string path, out bool allowed)
    {
        foreach (SpillRoot root in roots)
        {
            string directory = root.Directory;
            if (path.Length > directory.Length + 1 && path[directory.Length] == '/' && path.StartsWith(directory, StringComparison.Ordinal))
            {
                string rest = path[(directory.Length + 1)..];
                allowed = !rest.Contains('/', StringComparison.Ordinal) && rest is not ("." or "..");
                return root;
            }
        }

        allowed = true;
        return null;
    }

    /// <summary>Returns a libc result as is (its errno, if it failed, is put back for the caller).</summary>
    private static int Pass(int result)
    {
        if (result < 0)
        {
            Marshal.SetLastSystemError(Marshal.GetLastPInvokeError());
        }

        return result;
    }

    private static nint Pass(nint result)
    {
        if (result < 0)
        {
            Marshal.SetLastSystemError(Marshal.GetLastPInvokeError());
        }

        return result;
    }

    private static long Pass(long result)
    {
        if (result < 0)
        {
            Marshal.SetLastSystemError(Marshal.GetLastPInvokeError());
        }

        return result;
    }

    /// <summary>Sets the calling thread's errno and returns -1: the last thing a hook does before returning to native code.</summary>
    private static int Fail(int error)
    {
        Marshal.SetLastSystemError(error);
        return -1;
    }

    private static AesGcm Aes() => t_aes ??= new AesGcm(s_key, TagSize);

    private static byte[] CreateKey()
    {
        byte[] key = GC.AllocateUninitializedArray<byte>(32, pinned: true);
        RandomNumberGenerator.Fill(key);
        return key;
    }

    /// <summary>A tracked spill file: id (in nonces and AAD), path, directory, open descriptors and its writes.</summary>
    private sealed class SpillFile(int id, string path, SpillRoot root)
    {
        public int Id { get; } = id;

        public string Path { get; } = path;

        public SpillRoot Root { get; } = root;

        /// <summary>Descriptors open on it (changed under the registry lock).</summary>
        public int OpenCount { get; set; }

        /// <summary>Whether the path still names it (false after unlink or rename over it).</summary>
        public bool IsNamed { get; set; } = true;

        public SpillWrites Writes { get; } = new();
    }
}

/// <summary>A registered spill directory and the bytes encrypted into it.</summary>
internal sealed class SpillRoot : IDisposable
{
    private long _written;

    internal SpillRoot(string directory)
    {
        Directory = directory;
    }

    /// <summary>The directory's full path, without a trailing separator.</summary>
    public string Directory { get; }

    /// <summary>The bytes written (encrypted) to files in this directory so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Stops tracking new files here.</summary>
    public void Dispose() => EncryptedTempFiles.Unregister(this);

    internal void AddWritten(long bytes) => Interlocked.Add(ref _written, bytes);
}
