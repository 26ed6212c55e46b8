using System.Globalization;
using Ppml.Data.Tpch;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="TpchWorkload.GenerateAsync"/> wrote, where, under which key and how fast.</summary>
/// <param name="Result">The generated tables and parts.</param>
/// <param name="Output">The dataset directory.</param>
/// <param name="KeyName">The key the parts are encrypted under; <see langword="null"/> for plain <c>.tbl</c> files.</param>
/// <param name="Elapsed">The wall time.</param>
public sealed record TpchGenerationOutcome(TpchGenerationResult Result, string Output, string? KeyName, TimeSpan Elapsed)
{
    /// <summary>One line: what was generated, how fast, and whether it is encrypted.</summary>
    /// <returns>For example <c>Generated TPC-H SF 0.01: 8 tables, 86,805 rows, 10.3 MiB in 8 part(s), encrypted with key 'primary', in 0.52 s (0.17 M rows/s, 20.7 MB/s)</c>.</returns>
    public string Describe()
    {
        double seconds = Math.Max(Elapsed.TotalSeconds, 1e-3);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Generated TPC-H SF {Result.ScaleFactor}: {Result.Rows.Count} tables, {Result.TotalRows:N0} rows, {FormatBytes(Result.TotalBytes)} in {Result.Parts.Count} part(s), ")
            + (KeyName is null ? "NOT encrypted" : $"encrypted with key '{KeyName}'")
            + string.Create(CultureInfo.InvariantCulture, $", in {seconds:0.00} s ({Result.TotalRows / seconds / 1e6:0.00} M rows/s, {Result.TotalBytes / seconds / 1e6:0.0} MB/s)");
    }

    private static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++)
        {
            value /= 1024;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }
}
