using System.Text;

namespace Ppml.Attestation.Internal;

/// <summary>Recognizes binary, PEM, hex and base64 encodings of the same bytes (quotes, CRLs, certificates).</summary>
internal static class TextEncodings
{
    /// <summary>
    /// Returns the binary form of <paramref name="data"/>: PEM with <paramref name="pemLabel"/>, hex text, base64 text,
    /// or the bytes themselves when they are not text.
    /// </summary>
    public static byte[] DecodeBinaryOrText(ReadOnlySpan<byte> data, string pemLabel, string input)
    {
        ReadOnlySpan<byte> trimmed = TrimTextPadding(data);
        if (trimmed.IsEmpty)
        {
            throw new AttestationFormatException($"{input}: the input is empty.", input, 0);
        }

        if (!IsPrintableText(trimmed))
        {
            return data.ToArray();
        }

        string text = Encoding.ASCII.GetString(trimmed);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            List<byte[]> blocks = ReadPemBlocks(text, pemLabel, input);
            if (blocks.Count != 1)
            {
                throw new AttestationFormatException($"{input}: expected one PEM '{pemLabel}' block, found {blocks.Count}.", input, null);
            }

            return blocks[0];
        }

        if (TryDecodeHexOrBase64(text, out byte[]? decoded))
        {
            return decoded;
        }

        throw new AttestationFormatException(
            $"{input}: text that is neither PEM '{pemLabel}', hex nor base64.", input, null);
    }

    public static bool TryDecodeHexOrBase64(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        string compact = RemoveWhitespace(text);
        if (compact.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            compact = compact[2..];
        }

        if (compact.Length > 0 && compact.Length % 2 == 0 && compact.All(char.IsAsciiHexDigit))
        {
            bytes = Convert.FromHexString(compact);
            return true;
        }

        bytes = new byte[compact.Length];
        if (Convert.TryFromBase64String(compact, bytes, out int written) && written > 0)
        {
            Array.Resize(ref bytes, written);
            return true;
        }

        // base64url, as some attestation services emit.
        string standard = compact.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        bytes = new byte[standard.Length];
        if (Convert.TryFromBase64String(standard, bytes, out written) && written > 0)
        {
            Array.Resize(ref bytes, written);
            return true;
        }

        bytes = null;
        return false;
    }

    /// <summary>All PEM blocks labelled <paramref name="label"/>, decoded, in order.</summary>
    public static List<byte[]> ReadPemBlocks(string text, string label, string input)
    {
        var blocks = new List<byte[]>();
        string begin = $"-----BEGIN {label}-----";
        string end = $"-----END {label}-----";
        int position = 0;
        while (true)
        {
            int start = text.IndexOf(begin, position, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            int bodyStart = start + begin.Length;
            int stop = text.IndexOf(end, bodyStart, StringComparison.Ordinal);
            if (stop < 0)
            {
                throw new AttestationFormatException(
                    $"{input}: PEM block at character {start} has no '{end}' line.", input, start);
            }

            string body = RemoveWhitespace(text.AsSpan(bodyStart, stop - bodyStart));
            byte[] decoded = new byte[(int)Math.Min(Array.MaxLength, ((long)body.Length * 3 / 4) + 3)];
            if (!Convert.TryFromBase64String(body, decoded, out int written) || written == 0)
            {
                throw new AttestationFormatException(
                    $"{input}: PEM block at character {start} is not valid base64.", input, start);
            }

            Array.Resize(ref decoded, written);
            blocks.Add(decoded);
            position = stop + end.Length;
        }

        return blocks;
    }

    public static bool IsPrintableText(ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Strips trailing NULs (Intel terminates PEM chains in quotes with one) and surrounding whitespace.</summary>
    public static ReadOnlySpan<byte> TrimTextPadding(ReadOnlySpan<byte> data)
    {
        int end = data.Length;
        while (end > 0 && data[end - 1] is 0 or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            end--;
        }

        int start = 0;
        while (start < end && data[start] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            start++;
        }

        return data[start..end];
    }

    private static string RemoveWhitespace(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
