using System.Diagnostics.CodeAnalysis;

namespace Ppml.Attestation.Internal;

/// <summary>Hex helpers for measurement values (lowercase on output, case-insensitive on input).</summary>
internal static class Hex
{
    public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static bool TryDecode(string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        if (span.Length % 2 != 0)
        {
            return false;
        }

        foreach (char c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        bytes = Convert.FromHexString(span);
        return true;
    }

    /// <summary>Decodes a hex string of exactly <paramref name="length"/> bytes or throws naming <paramref name="field"/>.</summary>
    public static byte[] DecodeExact(string? text, int length, string input, string field)
    {
        if (!TryDecode(text, out byte[]? bytes) || bytes.Length != length)
        {
            throw new AttestationFormatException(
                $"{input}: field '{field}' must be {length * 2} hex digits ({length} bytes); found '{Describe(text)}'.",
                field,
                offset: null);
        }

        return bytes;
    }

    private static string Describe(string? text) =>
        text is null ? "nothing" : text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
