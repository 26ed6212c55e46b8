using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace Ppml.Data.Loading;

/// <summary>
/// Turns DuckDB error messages into one-line reasons without row data: DuckDB quotes the offending line and value
/// ("Original Line: ...", "Could not convert string 'x'"), which must never reach a log or a terminal.
/// </summary>
internal static partial class DuckDbErrors
{
    /// <summary>The line DuckDB names ("CSV Error on Line: N"), if any.</summary>
    public static long? Line(string message)
    {
        Match match = CsvLine().Match(message);
        return match.Success ? long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The <c>/proc/self/fd/N</c> file named in the message, if any.</summary>
    public static string? File(string message)
    {
        Match match = FdPath().Match(message);
        return match.Success ? match.Value : null;
    }

    /// <summary>A reason for a load failure, without data.</summary>
    public static string LoadReason(string message)
    {
        if (ColumnCount().Match(message) is { Success: true } count)
        {
            return $"expected {count.Groups[1].Value} fields, found {count.Groups[2].Value}";
        }

        if (ConvertColumn().Match(message) is { Success: true } conversion)
        {
            return $"a value of column '{conversion.Groups[1].Value}' is not a valid {conversion.Groups[2].Value}";
        }

        if (message.Contains("unterminated quote", StringComparison.OrdinalIgnoreCase))
        {
            return "a quoted field is not terminated";
        }

        if (message.Contains("Malformed JSON", StringComparison.Ordinal))
        {
            return "malformed JSON";
        }

        if (message.Contains("unicode", StringComparison.OrdinalIgnoreCase) || message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase))
        {
            return "the text is not valid UTF-8";
        }

        if (message.Contains("sniffing", StringComparison.Ordinal))
        {
            return "the rows do not fit one CSV layout (a row has a different number of fields, or a quote is unbalanced)";
        }

        return Sanitize(message);
    }

    /// <summary>The first line of a DuckDB message with quoted literals masked (they may be data).</summary>
    public static string Sanitize(string message)
    {
        string first = Parquet.ParquetEncryption.FirstLine(message).Trim();
        return Quoted().Replace(first, "'…'");
    }

    /// <summary>What an out-of-memory failure adds: spilling is encrypted or off, never plaintext.</summary>
    internal const string OutOfMemoryAdvice =
        "raise the memory limit, turn on encrypted spilling where it is off (PpmlContextOptions.Spill), or make the query need less memory";

    /// <summary>A one-line description of a query failure: kind and message; literals masked for data-dependent errors.</summary>
    public static string QueryReason(DuckDBException exception)
    {
        string first = Parquet.ParquetEncryption.FirstLine(exception.Message).Trim();
        bool isDataError = first.StartsWith("Conversion Error", StringComparison.Ordinal)
            || first.StartsWith("Invalid Input Error", StringComparison.Ordinal)
            || first.StartsWith("Out of Range Error", StringComparison.Ordinal)
            || first.StartsWith("Constraint Error", StringComparison.Ordinal);
        if (first.StartsWith("Out of Memory Error", StringComparison.Ordinal))
        {
            return first + " (" + OutOfMemoryAdvice + ")";
        }

        return isDataError ? Quoted().Replace(first, "'…'") : first;
    }

    [GeneratedRegex(@"CSV Error on Line: (\d+)")]
    private static partial Regex CsvLine();

    [GeneratedRegex(@"/proc/self/fd/\d+")]
    private static partial Regex FdPath();

    [GeneratedRegex(@"Expected Number of Columns: (\d+) Found: (\d+)")]
    private static partial Regex ColumnCount();

    [GeneratedRegex("converting column \"([^\"]*)\"\\..*? to '([^']+)'", RegexOptions.Singleline)]
    private static partial Regex ConvertColumn();

    [GeneratedRegex("\"[^\"]*\"|'[^']*'")]
    private static partial Regex Quoted();
}
