using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ppml.Data.Writing;

/// <summary>Invariant text for query values (CSV cells, table cells): ISO dates, shortest round-trip numbers.</summary>
internal static class ValueText
{
    public static string Format(object value) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => FormatDouble(number),
        float number => FormatDouble(number),
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => FormatTimestamp(time),
        DateTimeOffset time => FormatTimestamp(time.DateTime) + time.ToString("zzz", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        BigInteger big => big.ToString(CultureInfo.InvariantCulture),
        IDictionary map => FormatMap(map),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(item => item is null ? "null" : Format(item))) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public static string FormatDouble(double number)
    {
        if (double.IsNaN(number))
        {
            return "NaN";
        }

        if (double.IsInfinity(number))
        {
            return number > 0 ? "Infinity" : "-Infinity";
        }

        string text = number.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string FormatTimestamp(DateTime time) =>
        time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    private static string FormatMap(IDictionary map)
    {
        var builder = new StringBuilder("{");
        bool first = true;
        foreach (DictionaryEntry entry in map)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            builder.Append(entry.Key is null ? "null" : Format(entry.Key)).Append(": ").Append(entry.Value is null ? "null" : Format(entry.Value));
        }

        return builder.Append('}').ToString();
    }
}
