using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Ppml.Learning.Mnist;

/// <summary>An IDX array of unsigned bytes (the MNIST format): its dimensions and row-major data.</summary>
internal sealed record IdxFile(int[] Dimensions, byte[] Data)
{
    /// <summary>IDX type code for unsigned bytes, the only element type MNIST uses.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Largest data size accepted (the full MNIST training images are 47 MB).</summary>
    internal const long MaxDataBytes = 1L << 30;

    /// <summary>
    /// Reads an IDX file from <paramref name="stream"/>, raw or gzip (detected by the 1F 8B magic). Every
    /// problem (wrong magic, element type or rank, truncation, trailing bytes, bad gzip) is a
    /// <see cref="LearningFormatException"/> naming <paramref name="inputName"/>.
    /// </summary>
    public static async Task<IdxFile> ReadAsync(Stream stream, string inputName, int expectedRank, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] head = new byte[4];
        int headLength = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        bool gzip = headLength >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        Stream source = new PrefixedStream(head, headLength, stream);
        if (gzip)
        {
            source = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        }

        await using (source.ConfigureAwait(false))
        {
            try
            {
                return await ReadRawAsync(source, gzip ? inputName + " (gzip)" : inputName, expectedRank, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException exception)
            {
                throw new LearningFormatException(inputName, "the gzip stream is corrupt (" + exception.Message + ")", exception);
            }
        }
    }

    private static async Task<IdxFile> ReadRawAsync(Stream stream, string inputName, int expectedRank, CancellationToken cancellationToken)
    {
        byte[] header = new byte[4];
        await ReadExactAsync(stream, header, inputName, "the 4-byte IDX magic", 0, cancellationToken).ConfigureAwait(false);
        if (header[0] != 0 || header[1] != 0)
        {
            throw LearningFormatException.For(
                inputName,
                $"IDX magic at offset 0 is 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}, expected 0x0000{UnsignedByte:X2}{expectedRank:X2}; this is not an IDX file");
        }

        if (header[2] != UnsignedByte)
        {
            throw LearningFormatException.For(inputName, $"IDX element type at offset 2 is 0x{header[2]:X2}, expected 0x08 (unsigned byte)");
        }

        if (header[3] != expectedRank)
        {
            throw LearningFormatException.For(inputName, $"IDX rank at offset 3 is {header[3]}, expected {expectedRank} (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}, expected 0x{0x800 + expectedRank:X8})");
        }

        byte[] dimensionBytes = new byte[4 * expectedRank];
        await ReadExactAsync(stream, dimensionBytes, inputName, "the dimension sizes", 4, cancellationToken).ConfigureAwait(false);
        int[] dimensions = new int[expectedRank];
        long total = 1;
        for (int i = 0; i < expectedRank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes.AsSpan(4 * i));
            if (size == 0 || size > int.MaxValue)
            {
                throw LearningFormatException.For(inputName, $"IDX dimension {i} at offset {4 + (4 * i)} is {size}, expected 1..{int.MaxValue}");
            }

            dimensions[i] = (int)size;
            total *= size;
            if (total > MaxDataBytes)
            {
                throw LearningFormatException.For(inputName, $"IDX dimensions describe more than {MaxDataBytes} bytes of data");
            }
        }

        byte[] data = await ReadDataAsync(stream, (int)total, inputName, dimensions, 4 + (4 * expectedRank), cancellationToken).ConfigureAwait(false);
        byte[] probe = new byte[1];
        if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw LearningFormatException.For(inputName, $"unexpected bytes after the {total} data bytes at offset {4 + (4 * expectedRank) + total}");
        }

        return new IdxFile(dimensions, data);
    }

    /// <summary>
    /// Reads <paramref name="total"/> bytes, growing the buffer as data arrives, so a header that merely claims
    /// a huge size cannot make us allocate it before the bytes exist.
    /// </summary>
    private static async Task<byte[]> ReadDataAsync(Stream stream, int total, string inputName, int[] dimensions, long offset, CancellationToken cancellationToken)
    {
        const int InitialBytes = 1 << 24;
        byte[] data = new byte[Math.Min(total, InitialBytes)];
        int filled = 0;
        while (filled < total)
        {
            if (filled == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(total, 2L * data.Length));
            }

            int read = await stream.ReadAsync(data.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw LearningFormatException.For(
                    inputName,
                    string.Create(CultureInfo.InvariantCulture, $"truncated at offset {offset + filled}: expected {total} data bytes for dimensions {string.Join('x', dimensions)} from offset {offset}, got {filled}"));
            }

            filled += read;
        }

        return data;
    }

    private static async Task ReadExactAsync(Stream stream, byte[] buffer, string inputName, string what, long offset, CancellationToken cancellationToken)
    {
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw LearningFormatException.For(
                inputName,
                string.Create(CultureInfo.InvariantCulture, $"truncated at offset {offset + read}: expected {what} ({buffer.Length} bytes from offset {offset}), got {read}"));
        }
    }
}
