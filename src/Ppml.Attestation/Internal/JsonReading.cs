using System.Globalization;
using System.Text.Json;

namespace Ppml.Attestation.Internal;

/// <summary>Typed field access on untrusted JSON with errors that name the input and the field path.</summary>
internal static class JsonReading
{
    public static readonly JsonDocumentOptions DocumentOptions = new()
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
            return JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new AttestationFormatException(
                $"{input}: not valid JSON ({Asn.Describe(exception)}).", input, exception.BytePositionInLine, exception);
        }
    }

    public static JsonElement Object(JsonElement parent, string name, string input, string path)
    {
        JsonElement value = Required(parent, name, input, path);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(input, $"{path}.{name}", $"must be an object, found {value.ValueKind}");
        }

        return value;
    }

    public static JsonElement Array(JsonElement parent, string name, string input, string path)
    {
        JsonElement value = Required(parent, name, input, path);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(input, $"{path}.{name}", $"must be an array, found {value.ValueKind}");
        }

        return value;
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

    public static string? OptionalString(JsonElement parent, string name, string input, string path)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(input, $"{path}.{name}", $"must be a string, found {value.ValueKind}");
        }

        return value.GetString();
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

    public static DateTimeOffset Date(JsonElement parent, string name, string input, string path)
    {
        string text = String(parent, name, input, path);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset date))
        {
            throw Error(input, $"{path}.{name}", $"must be an ISO-8601 date, found '{text}'");
        }

        return date;
    }

    public static byte[] HexBytes(JsonElement parent, string name, int length, string input, string path) =>
        Hex.DecodeExact(String(parent, name, input, path), length, input, $"{path}.{name}");

    public static IReadOnlyList<string> OptionalStrings(JsonElement parent, string name, string input, string path)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(input, $"{path}.{name}", $"must be an array of strings, found {value.ValueKind}");
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Error(input, $"{path}.{name}", $"must be an array of strings, found an item of kind {item.ValueKind}");
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    public static JsonElement Required(JsonElement parent, string name, string input, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            throw Error(input, $"{path}.{name}", "is missing");
        }

        return value;
    }

    /// <summary>
    /// Runs a parser over a JSON document, turning the reader's transcoding failures (a string that is not valid
    /// UTF-16 once unescaped, such as a lone surrogate escape) into <see cref="AttestationFormatException"/>.
    /// </summary>
    public static T Guard<T>(string input, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidOperationException exception)
        {
            throw new AttestationFormatException($"{input}: unreadable JSON text ({Asn.Describe(exception)}).", input, null, exception);
        }
    }

    public static AttestationFormatException Error(string input, string field, string problem) =>
        new($"{input}: field '{field}' {problem}.", field, offset: null);

    private static string Show(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }
}
