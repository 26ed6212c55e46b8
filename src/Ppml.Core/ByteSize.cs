using System.Globalization;

namespace Ppml.Core;

/// <summary>
/// Memory sizes as DuckDB writes them (<c>4GB</c>, <c>512MB</c>, <c>3GiB</c>, <c>1.5 GB</c>, <c>1000000 bytes</c>): a
/// number, optional spaces, and a unit, case-insensitive. Decimal units are powers of 1000 (<c>KB</c>, <c>MB</c>, <c>GB</c>,
/// <c>TB</c>, also <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c>), binary ones powers of 1024 (<c>KiB</c>, <c>MiB</c>, <c>GiB</c>,
/// <c>TiB</c>); <c>B</c> or <c>bytes</c> is bytes. A number without a unit is refused, as DuckDB refuses it.
/// </summary>
public static class ByteSize
{
    private static readonly Dictionary<string, long> s_units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        ["k"] = 1000, ["kb"] = 1000, ["kilobyte"] = 1000, ["kilobytes"] = 1000,
        ["m"] = 1000_000, ["mb"] = 1000_000, ["megabyte"] = 1000_000, ["megabytes"] = 1000_000,
        ["g"] = 1000_000_000, ["gb"] = 1000_000_000, ["gigabyte"] = 1000_000_000, ["gigabytes"] = 1000_000_000,
        ["t"] = 1000_000_000_000, ["tb"] = 1000_000_000_000, ["terabyte"] = 1000_000_000_000, ["terabytes"] = 1000_000_000_000,
        ["kib"] = 1L << 10, ["mib"] = 1L << 20, ["gib"] = 1L << 30, ["tib"] = 1L << 40,
    };

    /// <summary>Reads a size such as <c>4GB</c> or <c>3GiB</c>.</summary>
    /// <param name="text">The size.</param>
    /// <param name="bytes">The size in bytes (whole bytes, rounded down), at least 1.</param>
    /// <returns>Whether <paramref name="text"/> is a positive size with a unit.</returns>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        string unit = trimmed[split..].Trim();
        if (split == 0
            || !decimal.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)
            || !s_units.TryGetValue(unit, out long multiplier))
        {
            return false;
        }

        decimal value = Math.Floor(number * multiplier);
        if (value < 1 || value > long.MaxValue)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    /// <summary>Reads a size such as <c>4GB</c> or <c>3GiB</c>.</summary>
    /// <param name="text">The size.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a positive size with a unit.</exception>
    public static long Parse(string text) => TryParse(text, out long bytes)
        ? bytes
        : throw new FormatException($"'{text}' is not a memory size: give a number and a unit, for example 4GB, 512MB or 3GiB.");

    /// <summary>Formats <paramref name="bytes"/> in binary units with up to two decimals, for example <c>1.5 GiB</c>.</summary>
    /// <param name="bytes">A size in bytes.</param>
    /// <returns>The text.</returns>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[unit]}");
    }
}
