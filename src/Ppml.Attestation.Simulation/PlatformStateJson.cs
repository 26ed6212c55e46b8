using System.Text.Json;

namespace Ppml.Attestation.Simulation;

/// <summary>
/// Typed reading of the simulated platform's own <c>platform.json</c>, with errors that name the file and the field.
/// A copy of the few rules of Ppml.Attestation's internal JSON reader that this one file needs, so that the verifier
/// does not have to publish its parsing helpers for the simulation.
/// </summary>
internal static class PlatformStateJson
{
    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string input)
    {
        // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read; reject it here.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new AttestationFormatException($"{input}: not valid UTF-8 text.", input, null);
        }

        try
        {
            return JsonDocument.Parse(utf8, s_documentOptions);
        }
        catch (JsonException exception)
        {
            throw new AttestationFormatException(
                $"{input}: not valid JSON ({Describe(exception)}).", input, exception.BytePositionInLine, exception);
        }
    }

    public static string String(JsonElement parent, string name, string input, string path)
    {
        JsonElement value = Required(parent, name, input, path);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(input, $"{path}.{name}", $"must be a string, found {value.ValueKind}");
        }

        return value.GetString()!;
    }

    public static long UnsignedInteger(JsonElement parent, string name, long max, string input, string path)
    {
        JsonElement value = Required(parent, name, input, path);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < 0 || number > max)
        {
            throw Error(input, $"{path}.{name}", $"must be an integer in 0..{max}, found {Show(value)}");
        }

        return number;
    }

    public static byte[] HexBytes(JsonElement parent, string name, int length, string input, string path)
    {
        string text = String(parent, name, input, path);
        string field = $"{path}.{name}";
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        if (span.Length != length * 2 || !IsHex(span))
        {
            string shown = text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
            throw new AttestationFormatException(
                $"{input}: field '{field}' must be {length * 2} hex digits ({length} bytes); found '{shown}'.", field, offset: null);
        }

        return Convert.FromHexString(span);
    }

    public static T Guard<T>(string input, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidOperationException exception)
        {
            throw new AttestationFormatException($"{input}: unreadable JSON text ({Describe(exception)}).", input, null, exception);
        }
    }

    public static AttestationFormatException Error(string input, string field, string problem) =>
        new($"{input}: field '{field}' {problem}.", field, offset: null);

    private static JsonElement Required(JsonElement parent, string name, string input, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            throw Error(input, $"{path}.{name}", "is missing");
        }

        return value;
    }

    private static bool IsHex(ReadOnlySpan<char> span)
    {
        foreach (char c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(Exception exception) =>
        exception.Message.Length <= 120 ? exception.Message : exception.Message[..117] + "...";

    private static string Show(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }
}
