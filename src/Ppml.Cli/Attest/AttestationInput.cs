using System.Globalization;
using Ppml.Attestation;
using Ppml.Attestation.Quotes;

namespace Ppml.Cli.Attest;

/// <summary>Input loaders for <c>ppml attest</c>: quotes in binary, hex or base64; times as ISO-8601 or Unix seconds.</summary>
internal static class AttestationInput
{
    /// <summary>
    /// Returns binary quote bytes from a file's content: binary as is, or hex / base64 text (whitespace and a
    /// <c>0x</c> prefix allowed), detected automatically (<see cref="QuoteEncoding.Decode"/>).
    /// </summary>
    /// <param name="content">The file content.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The binary quote (not yet parsed).</returns>
    /// <exception cref="AttestationFormatException">The content is empty, or text that is neither hex nor base64.</exception>
    public static byte[] ReadQuote(ReadOnlySpan<byte> content, string input = "quote") => QuoteEncoding.Decode(content, input);

    /// <summary>Parses a verification time (<c>--at</c>): ISO-8601 (<c>2025-07-19T10:01:17Z</c>) or Unix seconds (<c>1752919277</c>).</summary>
    /// <param name="text">The time.</param>
    /// <returns>The instant.</returns>
    /// <exception cref="AttestationFormatException">The text is neither.</exception>
    public static DateTimeOffset ParseTime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds))
        {
            if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                throw new AttestationFormatException($"time '{text}': Unix seconds out of range.", "at", null);
            }

            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            return time;
        }

        throw new AttestationFormatException(
            $"time '{text}': expected ISO-8601 (2025-07-19T10:01:17Z) or Unix seconds (1752919277).", "at", null);
    }
}
