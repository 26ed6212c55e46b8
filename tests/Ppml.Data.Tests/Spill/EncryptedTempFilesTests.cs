using System.Runtime.InteropServices;
using System.Text;
using Ppml.Data.Spill;
using Ppml.Testing;

namespace Ppml.Data.Tests.Spill;

/// <summary>
/// The encryption layer called directly (as the hooks call it), on real files in a registered directory: what reaches the
/// disk, what reads return, and every way a read must fail with EIO instead of returning unauthenticated bytes.
/// </summary>
public sealed unsafe class EncryptedTempFilesTests : IDisposable
{
    private const int ReadWrite = 2;
    private const int Create = 0x40;
    private const int EIO = 5;

    private readonly TempDirectory _temp = new();
    private readonly SpillRoot _root;

    public EncryptedTempFilesTests()
    {
        Require.Service(OperatingSystem.IsLinux(), "Spill encryption is Linux-only.", "Run it on Linux (x64 or arm64), where CI runs.");
        Directory.CreateDirectory(_temp.Combine("spill"));
        _root = EncryptedTempFiles.Register(_temp.Combine("spill"));
    }

    public void Dispose()
    {
        _root?.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void PWrite_WritesCiphertextOfTheSameLengthAtTheSameOffset_PReadReturnsThePlaintext()
    {
        string path = _temp.Combine("spill", "duckdb_temp_storage_DEFAULT-0.tmp");
        byte[] plain = Pattern(262144, "PLAINMARKER");
        int fd = OpenFile(path);
        try
        {
            Assert.Equal(plain.Length, Write(fd, plain, 262144));
            Assert.Equal(plain.Length, Write(fd, Pattern(262144, "second"), 0));

            byte[] disk = File.ReadAllBytes(path);
            Assert.Equal(2 * 262144, disk.Length);
            Assert.Equal(-1, disk.AsSpan().IndexOf("PLAINMARKER"u8));
            Assert.Equal(-1, disk.AsSpan().IndexOf("second"u8));

            Assert.Equal(plain, Read(fd, 262144, 262144));
            Assert.Equal(Pattern(262144, "second"), Read(fd, 262144, 0));
            Assert.Equal(2 * 262144L, _root.BytesWritten);
        }
        finally
        {
            Assert.Equal(0, EncryptedTempFiles.Close(fd));
        }
    }

    [Fact]
    public void PRead_SubRangeAndSpanOfAdjacentWrites_AreDecrypted()
    {
        int fd = OpenFile(_temp.Combine("spill", "a.tmp"));
        try
        {
            byte[] first = Pattern(1000, "first");
            byte[] second = Pattern(500, "second");
            Write(fd, first, 0);
            Write(fd, second, 1000);

            Assert.Equal(first.AsSpan(100, 200).ToArray(), Read(fd, 200, 100));
            Assert.Equal([.. first.AsSpan(900).ToArray(), .. second.AsSpan(0, 100).ToArray()], Read(fd, 200, 900));
            Assert.Equal(second.AsSpan(499).ToArray(), Read(fd, 1, 1499));
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void PRead_UnwrittenRangeOrPastTheEnd_FailsWithEio()
    {
        int fd = OpenFile(_temp.Combine("spill", "b.tmp"));
        try
        {
            Write(fd, Pattern(100, "x"), 100);
            AssertReadFails(fd, 10, 0);      // a hole before the write
            AssertReadFails(fd, 100, 150);   // runs past the write
            AssertReadFails(fd, 10, 5000);   // past the end of the file
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void PWrite_PartiallyOverlappingAnEarlierWrite_InvalidatesItsRest()
    {
        int fd = OpenFile(_temp.Combine("spill", "c.tmp"));
        try
        {
            Write(fd, Pattern(100, "old"), 0);
            byte[] newer = Pattern(100, "new");
            Write(fd, newer, 50);

            AssertReadFails(fd, 50, 0); // the old write's untouched half cannot be authenticated any more
            Assert.Equal(newer, Read(fd, 100, 50));
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void PRead_AfterAByteFlippedOnDisk_FailsWithEioAndZeroesTheBuffer()
    {
        string path = _temp.Combine("spill", "d.tmp");
        int fd = OpenFile(path);
        try
        {
            Write(fd, Pattern(4096, "secret"), 0);
            Write(fd, Pattern(4096, "other"), 4096);
            Flip(path, 5000);

            byte[] buffer = [.. Enumerable.Repeat((byte)0xAA, 8192)];
            fixed (byte* pointer = buffer)
            {
                Assert.Equal(-1, EncryptedTempFiles.PRead(fd, pointer, 8192, 0));
                Assert.Equal(EIO, Marshal.GetLastSystemError());
            }

            Assert.All(buffer, b => Assert.Equal(0, b));
            Assert.Equal(Pattern(4096, "secret"), Read(fd, 4096, 0)); // the untouched write still reads
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void PRead_OldCiphertextReplayedAtTheSameOffset_FailsWithEio()
    {
        string path = _temp.Combine("spill", "e.tmp");
        int fd = OpenFile(path);
        try
        {
            Write(fd, Pattern(4096, "first"), 0);
            byte[] old = File.ReadAllBytes(path);
            Write(fd, Pattern(4096, "second"), 0);
            File.WriteAllBytes(path, old);

            AssertReadFails(fd, 4096, 0);
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void PRead_CiphertextMovedToAnotherOffsetOrFile_FailsWithEio()
    {
        string path = _temp.Combine("spill", "f.tmp");
        string other = _temp.Combine("spill", "g.tmp");
        int fd = OpenFile(path);
        int fd2 = OpenFile(other);
        try
        {
            Write(fd, Pattern(4096, "a"), 0);
            Write(fd, Pattern(4096, "b"), 4096);
            Write(fd2, Pattern(4096, "c"), 0);
            byte[] disk = File.ReadAllBytes(path);
            using (FileStream stream = File.OpenWrite(path))
            {
                stream.Write(disk, 4096, 4096); // b's ciphertext over a's
            }

            using (FileStream stream = File.OpenWrite(other))
            {
                stream.Write(disk, 4096, 4096); // b's ciphertext into another file
            }

            AssertReadFails(fd, 4096, 0);
            AssertReadFails(fd2, 4096, 0);
            Assert.Equal(Pattern(4096, "b"), Read(fd, 4096, 4096));
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
            EncryptedTempFiles.Close(fd2);
        }
    }

    [Fact]
    public void Truncate_DropsTheWritesItCuts()
    {
        int fd = OpenFile(_temp.Combine("spill", "h.tmp"));
        try
        {
            Write(fd, Pattern(100, "keep"), 0);
            Write(fd, Pattern(100, "cut"), 100);
            Assert.Equal(0, EncryptedTempFiles.Truncate(fd, 150));
            Assert.Equal(0, EncryptedTempFiles.Truncate(fd, 300)); // growing again brings nothing back

            Assert.Equal(Pattern(100, "keep"), Read(fd, 100, 0));
            AssertReadFails(fd, 50, 100);
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void Open_AgainAfterClose_ReadsWhatWasWritten_UntilUnlinked()
    {
        // DuckDB's duckdb_temp_block-N.block files: written through one descriptor, read back through another.
        string path = _temp.Combine("spill", "duckdb_temp_block-7.block");
        byte[] size = BitConverter.GetBytes(300_000L);
        byte[] block = Pattern(300_000, "block");
        int writer = OpenFile(path);
        Write(writer, size, 0);
        Write(writer, block, 8);
        Assert.Equal(0, EncryptedTempFiles.Close(writer));

        int reader = OpenPath(path, 0);
        Assert.True(reader >= 0);
        Assert.Equal(size, Read(reader, 8, 0));
        Assert.Equal(block, Read(reader, 300_000, 8));
        Assert.Equal(0, EncryptedTempFiles.Close(reader));

        Assert.Equal(0, UnlinkPath(path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Open_FileNotWrittenThroughTheHooks_ReadsNothing()
    {
        string planted = _temp.Combine("spill", "duckdb_temp_storage_S32K-0.tmp");
        File.WriteAllBytes(planted, Pattern(32768, "planted"));
        int fd = OpenFile(planted);
        try
        {
            AssertReadFails(fd, 32768, 0);
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    [Fact]
    public void ReadWriteAndSeek_OnASpillFile_FailWithEio_ElsewherePassThrough()
    {
        int fd = OpenFile(_temp.Combine("spill", "i.tmp"));
        byte[] buffer = new byte[16];
        fixed (byte* pointer = buffer)
        {
            Assert.Equal(-1, EncryptedTempFiles.Write(fd, pointer, 16));
            Assert.Equal(EIO, Marshal.GetLastSystemError());
            Assert.Equal(-1, EncryptedTempFiles.Read(fd, pointer, 16));
            Assert.Equal(EIO, Marshal.GetLastSystemError());
            Assert.Equal(-1, EncryptedTempFiles.Seek(fd, 0, 0));
            Assert.Equal(EIO, Marshal.GetLastSystemError());
        }

        EncryptedTempFiles.Close(fd);

        string outside = _temp.Combine("outside.bin");
        int plainFd = OpenFile(outside);
        try
        {
            Assert.Equal(6, Write(plainFd, "PLAIN!"u8.ToArray(), 0));
            Assert.Equal("PLAIN!", File.ReadAllText(outside));
        }
        finally
        {
            EncryptedTempFiles.Close(plainFd);
        }
    }

    [Fact]
    public void Open_NestedPathOrMissingFile_FailsWithTheRightErrno()
    {
        Assert.Equal(-1, OpenPath(_temp.Combine("spill", "..", "escape.tmp"), ReadWrite | Create));
        Assert.Equal(13, Marshal.GetLastSystemError()); // EACCES
        Assert.Equal(-1, OpenPath(_temp.Combine("spill", "missing.tmp"), ReadWrite));
        Assert.Equal(2, Marshal.GetLastSystemError()); // ENOENT, from the real open
    }

    [Fact]
    public void FOpenInside_AndRenameAcrossTheBoundary_AreRefused_RenameInsideKeepsTheRecords()
    {
        string inside = _temp.Combine("spill", "l.tmp");
        string outside = _temp.Combine("l.out");
        int fd = OpenFile(inside);
        Write(fd, Pattern(100, "kept"), 0);
        Assert.Equal(0, EncryptedTempFiles.Close(fd));
        fixed (byte* path = Utf8(inside))
        fixed (byte* mode = "r\0"u8)
        fixed (byte* target = Utf8(outside))
        fixed (byte* renamed = Utf8(_temp.Combine("spill", "m.tmp")))
        {
            Assert.Equal(0, EncryptedTempFiles.FOpen(path, mode));
            Assert.Equal(13, Marshal.GetLastSystemError()); // EACCES
            Assert.Equal(-1, EncryptedTempFiles.Rename(path, target));
            Assert.Equal(18, Marshal.GetLastSystemError()); // EXDEV
            Assert.Equal(0, EncryptedTempFiles.Rename(path, renamed));
        }

        int reopened = OpenPath(_temp.Combine("spill", "m.tmp"), ReadWrite);
        try
        {
            Assert.Equal(Pattern(100, "kept"), Read(reopened, 100, 0));
        }
        finally
        {
            EncryptedTempFiles.Close(reopened);
        }
    }

    [Fact]
    public void Open_CreatesOwnerOnlyFiles()
    {
        string path = _temp.Combine("spill", "j.tmp");
        int fd = OpenFile(path);
        EncryptedTempFiles.Close(fd);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void PWrite_ConcurrentWritersAndReaders_EveryReadAuthenticates()
    {
        int fd = OpenFile(_temp.Combine("spill", "k.tmp"));
        try
        {
            const int Slots = 64;
            const int Size = 32768;
            Parallel.For(0, Slots, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, slot =>
            {
                byte[] data = Pattern(Size, "slot" + slot);
                Assert.Equal(Size, Write(fd, data, (long)slot * Size));
                Assert.Equal(data, Read(fd, Size, (long)slot * Size));
            });
            for (int slot = 0; slot < Slots; slot++)
            {
                Assert.Equal(Pattern(Size, "slot" + slot), Read(fd, Size, (long)slot * Size));
            }
        }
        finally
        {
            EncryptedTempFiles.Close(fd);
        }
    }

    internal static byte[] Utf8(string path) => Encoding.UTF8.GetBytes(path + "\0");

    private static int OpenPath(string path, int flags)
    {
        fixed (byte* pointer = Utf8(path))
        {
            return EncryptedTempFiles.Open(pointer, flags, 0x1B6);
        }
    }

    private static int UnlinkPath(string path)
    {
        fixed (byte* pointer = Utf8(path))
        {
            return EncryptedTempFiles.Unlink(pointer);
        }
    }

    private static int OpenFile(string path)
    {
        fixed (byte* pointer = Utf8(path))
        {
            int fd = EncryptedTempFiles.Open(pointer, ReadWrite | Create, 0x1B6);
            Assert.True(fd >= 0, $"open failed: errno {Marshal.GetLastSystemError()}");
            return fd;
        }
    }

    private static long Write(int fd, byte[] data, long offset)
    {
        fixed (byte* pointer = data)
        {
            return EncryptedTempFiles.PWrite(fd, pointer, (nuint)data.Length, offset);
        }
    }

    private static byte[] Read(int fd, int count, long offset)
    {
        byte[] buffer = new byte[count];
        fixed (byte* pointer = buffer)
        {
            nint read = EncryptedTempFiles.PRead(fd, pointer, (nuint)count, offset);
            Assert.True(read == count, $"pread returned {read}, errno {Marshal.GetLastSystemError()}");
        }

        return buffer;
    }

    private static void AssertReadFails(int fd, int count, long offset)
    {
        byte[] buffer = new byte[count];
        fixed (byte* pointer = buffer)
        {
            Assert.Equal(-1, EncryptedTempFiles.PRead(fd, pointer, (nuint)count, offset));
            Assert.Equal(EIO, Marshal.GetLastSystemError());
        }

        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    private static void Flip(string path, long offset)
    {
        using FileStream stream = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    private static byte[] Pattern(int length, string label)
    {
        byte[] data = new byte[length];
        byte[] text = Encoding.ASCII.GetBytes(label + ":");
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(text[i % text.Length] ^ (i / text.Length % 7));
        }

        return data;
    }
}
