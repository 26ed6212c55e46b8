using System.Text;
using System.Text.Json;

namespace Ppml.Data.Loading;

/// <summary>
/// Finds the first malformed record of a part's plaintext after DuckDB refused it without saying where: a row with
/// the wrong number of fields, an unterminated quote, or malformed JSON. Used only on the error path.
/// </summary>
internal static class PartDiagnostics
{
    /// <summary>The first problem found, as (line, reason without data), or <see langword="null"/>.</summary>
    public static (long Line, string Reason)? FindFirstError(Stream plaintext, DatasetFormat format, DatasetReadOptions options)
    {
        using var reader = new StreamReader(plaintext, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        try
        {
            return format switch
            {
                DatasetFormat.Csv => Delimited(reader, options.Delimiter, '"', options.HasHeader, options.Schema?.Count, trailingDelimiter: false),
                DatasetFormat.Tbl => Delimited(reader, '|', null, hasHeader: false, options.Schema?.Count, trailingDelimiter: true),
                DatasetFormat.Json => Json(reader),
                _ => null,
            };
        }
        catch (DecoderFallbackException)
        {
            return (0, "the text is not valid UTF-8");
        }
        catch (DatasetException exception) when (exception.Line is long line)
        {
            return (line, "a quoted field is not terminated");
        }
    }

    /// <summary>The expected field count of a delimited record, and the check.</summary>
    private static (long, string)? Delimited(TextReader reader, char delimiter, char? quote, bool hasHeader, int? columns, bool trailingDelimiter)
    {
        var parser = new DelimitedTextParser(reader, delimiter, quote);
        var fields = new List<string?>();
        int? expected = columns;
        while (parser.TryReadRecord(fields, out long line))
        {
            int count = fields.Count;
            if (trailingDelimiter && count > 0 && fields[^1] is null)
            {
                count--;
            }

            if (count == 0 || (count == 1 && fields[0] is null))
            {
                continue;
            }

            expected ??= count;
            if (count != expected)
            {
                return (line, $"expected {expected} fields, found {count}");
            }

            if (hasHeader && line == 1)
            {
                continue;
            }
        }

        return null;
    }

    private static (long, string)? Json(StreamReader reader)
    {
        string text = reader.ReadToEnd();
        string trimmed = text.TrimStart();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                return null;
            }
            catch (JsonException exception)
            {
                return ((exception.LineNumber ?? 0) + 1, "malformed JSON");
            }
        }

        long number = 0;
        foreach (string line in text.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (number, "a JSON record must be an object");
                }
            }
            catch (JsonException)
            {
                return (number, "malformed JSON");
            }
        }

        return null;
    }
}
