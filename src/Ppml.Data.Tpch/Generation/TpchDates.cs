using System.Globalization;
using System.Text;

namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// dbgen's calendar (dss.h): day 0 is STARTDATE 1992-01-01, ENDDATE 1998-12-31 is day 2556 (TOTDATE 2557 days),
/// and CURRENTDATE 1995-06-17 decides which lines are shipped or returned. Dates are day offsets here and
/// printed as yyyy-MM-dd from a precomputed table.
/// </summary>
internal static class TpchDates
{
    public const int TotalDays = 2557;

    public static readonly DateOnly StartDate = new(1992, 1, 1);

    public static readonly DateOnly EndDate = new(1998, 12, 31);

    /// <summary>CURRENTDATE (95168 in dbgen's yyddd notation).</summary>
    public static readonly DateOnly CurrentDate = new(1995, 6, 17);

    /// <summary>Day offset of <see cref="CurrentDate"/>.</summary>
    public static readonly int CurrentDay = CurrentDate.DayNumber - StartDate.DayNumber;

    /// <summary>10 ASCII bytes per day, yyyy-MM-dd.</summary>
    private static readonly byte[] Formatted = BuildTable();

    public static ReadOnlySpan<byte> Format(int day) => new(Formatted, day * 10, 10);

    public static DateOnly ToDate(int day) => StartDate.AddDays(day);

    private static byte[] BuildTable()
    {
        var builder = new StringBuilder(TotalDays * 10);
        for (int day = 0; day < TotalDays; day++)
        {
            builder.Append(StartDate.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }
}
