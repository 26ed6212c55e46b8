using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Ppml.Learning.Mnist;

/// <summary>
/// Decodes one 28×28 grey image for <c>ppml predict</c>. Accepted forms, detected from the content:
/// <list type="bullet">
/// <item>binary PGM (<c>P5</c>, width 28, height 28, maxval 1..255; values are rescaled to 0..255);</item>
/// <item>IDX3 (<c>00 00 08 03</c>) holding exactly one 28×28 image;</item>
/// <item>raw: exactly 784 bytes, row-major, 0 = background (MNIST polarity).</item>
/// </list>
/// </summary>
public static class MnistImage
{
    /// <summary>Pixels per image.</summary>
    public const int PixelCount = 28 * 28;

    /// <summary>Decodes <paramref name="content"/> into 784 row-major pixel bytes.</summary>
    /// <param name="content">The file content.</param>
    /// <param name="inputName">Name used in error messages.</param>
    /// <returns>784 bytes.</returns>
    /// <exception cref="LearningFormatException">Not one of the accepted forms, or not 28×28.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> content, string inputName)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        if (content.Length >= 2 && content[0] == (byte)'P' && content[1] == (byte)'5')
        {
            return DecodePgm(content, inputName);
        }

        if (content.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(content) == 0x00000803)
        {
            return DecodeIdx(content, inputName);
        }

        if (content.Length == PixelCount)
        {
            return content.ToArray();
        }

        throw LearningFormatException.For(
            inputName,
            $"is {content.Length} bytes and neither a binary PGM (P5), an IDX3 image file nor {PixelCount} raw bytes");
    }

    private static byte[] DecodeIdx(ReadOnlySpan<byte> content, string inputName)
    {
        if (content.Length < 16)
        {
            throw LearningFormatException.For(inputName, $"IDX3 header truncated: {content.Length} bytes, expected 16");
        }

        uint count = BinaryPrimitives.ReadUInt32BigEndian(content[4..]);
        uint rows = BinaryPrimitives.ReadUInt32BigEndian(content[8..]);
        uint columns = BinaryPrimitives.ReadUInt32BigEndian(content[12..]);
        if (count != 1 || rows != 28 || columns != 28)
        {
            throw LearningFormatException.For(inputName, $"IDX3 holds {count} image(s) of {rows}x{columns}, expected exactly one 28x28 image");
        }

        if (content.Length != 16 + PixelCount)
        {
            throw LearningFormatException.For(inputName, $"IDX3 is {content.Length} bytes, expected {16 + PixelCount}");
        }

        return content.Slice(16, PixelCount).ToArray();
    }

    private static byte[] DecodePgm(ReadOnlySpan<byte> content, string inputName)
    {
        int position = 2;
        int[] header = new int[3];
        for (int i = 0; i < header.Length; i++)
        {
            header[i] = ReadHeaderNumber(content, ref position, inputName);
        }

        (int width, int height, int maxValue) = (header[0], header[1], header[2]);
        if (width != 28 || height != 28)
        {
            throw LearningFormatException.For(inputName, $"PGM is {width}x{height}, expected 28x28");
        }

        if (maxValue is < 1 or > 255)
        {
            throw LearningFormatException.For(inputName, $"PGM maxval is {maxValue}, expected 1..255 (8-bit)");
        }

        // Exactly one whitespace byte separates the header from the raster.
        if (position >= content.Length || !IsWhitespace(content[position]))
        {
            throw LearningFormatException.For(inputName, $"PGM header is not followed by whitespace at offset {position}");
        }

        position++;
        if (content.Length - position != PixelCount)
        {
            throw LearningFormatException.For(inputName, $"PGM raster is {content.Length - position} bytes, expected {PixelCount}");
        }

        byte[] pixels = content.Slice(position, PixelCount).ToArray();
        if (maxValue != 255)
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                if (pixels[i] > maxValue)
                {
                    throw LearningFormatException.For(inputName, $"PGM pixel {i} is {pixels[i]}, above maxval {maxValue}");
                }

                pixels[i] = (byte)(((pixels[i] * 255) + (maxValue / 2)) / maxValue);
            }
        }

        return pixels;
    }

    private static int ReadHeaderNumber(ReadOnlySpan<byte> content, ref int position, string inputName)
    {
        while (position < content.Length)
        {
            if (IsWhitespace(content[position]))
            {
                position++;
            }
            else if (content[position] == (byte)'#')
            {
                while (position < content.Length && content[position] != (byte)'\n')
                {
                    position++;
                }
            }
            else
            {
                break;
            }
        }

        int start = position;
        while (position < content.Length && content[position] is >= (byte)'0' and <= (byte)'9' && position - start < 6)
        {
            position++;
        }

        if (position == start || !int.TryParse(Encoding.ASCII.GetString(content[start..position]), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw LearningFormatException.For(inputName, $"PGM header has no number at offset {start}");
        }

        return value;
    }

    private static bool IsWhitespace(byte value) => value is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}
