using System.Buffers.Binary;
using System.Text;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Quotes;

/// <summary>
/// The transport encodings a quote arrives in: files, HTTP bodies and attestation services carry it as binary, hex
/// or base64 (standard or URL-safe). <see cref="Decode"/> recognizes which one and returns the binary quote.
/// </summary>
public static class QuoteEncoding
{
    /// <summary>
    /// Decodes hex the way measurements and report data are written: case-insensitive, surrounding whitespace and a
    /// <c>0x</c> prefix allowed, an even number of digits.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The bytes, when the text is hex.</param>
    /// <returns>Whether the text is hex.</returns>
    public static bool TryDecodeHex(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes) => Hex.TryDecode(text, out bytes);

    /// <summary>
    /// Returns the binary quote in <paramref name="content"/>: binary as is, or hex / base64 text (whitespace and a
    /// <c>0x</c> prefix allowed), detected automatically. The result is not parsed; pass it to
    /// <see cref="Quote.Parse(ReadOnlySpan{byte})"/> or to the verifier.
    /// </summary>
    /// <param name="content">The encoded quote.</param>
    /// <param name="input">Names the input in error messages (a file path, an option, a request field).</param>
    /// <returns>The binary quote.</returns>
    /// <exception cref="AttestationFormatException">The content is empty, or text that is neither hex nor base64.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> content, string input = "quote")
    {
        ArgumentNullException.ThrowIfNull(input);
        if (content.IsEmpty)
        {
            throw new AttestationFormatException($"{input}: the file is empty.", input, 0);
        }

        if (LooksLikeBinaryQuote(content) || !TextEncodings.IsPrintableText(TextEncodings.TrimTextPadding(content)))
        {
            return content.ToArray();
        }

        string text = Encoding.ASCII.GetString(TextEncodings.TrimTextPadding(content));
        if (TextEncodings.TryDecodeHexOrBase64(text, out byte[]? bytes))
        {
            return bytes;
        }

        throw new AttestationFormatException($"{input}: text that is neither hex nor base64; a quote is binary, hex or base64.", input, null);
    }

    /// <summary>Version 3, 4 or 5 and attestation key type 2, little-endian: the first four bytes of every quote.</summary>
    private static bool LooksLikeBinaryQuote(ReadOnlySpan<byte> content) =>
        content.Length >= 4 &&
        BinaryPrimitives.ReadUInt16LittleEndian(content) is 3 or 4 or 5 &&
        BinaryPrimitives.ReadUInt16LittleEndian(content[2..]) == 2;
}
