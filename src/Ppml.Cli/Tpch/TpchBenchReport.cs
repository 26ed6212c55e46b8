using Ppml.Core.Diagnostics;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Tpch;

/// <summary>
/// <c>ppml tpch bench --json</c>: the run's settings, the headline ratios encrypted/plain (wall, CPU, peak footprint), per
/// variant its medians and ratios, and every run with its process and footprint. Times in milliseconds, sizes in bytes.
/// </summary>
internal sealed record TpchBenchReport(
    double ScaleFactor,
    int Repeat,
    int Parts,
    IReadOnlyList<int> Queries,
    DateTimeOffset Finished,
    string? Note,
    string LoadBefore,
    string LoadAfter,
    long MemoryLimitBytes,
    string FootprintMethod,
    double TotalRatio,
    double CpuRatio,
    double FootprintRatio,
    IReadOnlyList<TpchBenchVariantReport> Variants)
{
    public static TpchBenchReport From(TpchBenchmarkResult result, string? note) => new(
        result.ScaleFactor,
        result.Repeat,
        result.Parts,
        result.Queries,
        result.Finished,
        note,
        result.LoadBefore,
        result.LoadAfter,
        result.MemoryLimitBytes,
        result.FootprintMethod,
        result.TotalRatio,
        result.CpuRatio,
        result.FootprintRatio,
        [.. TpchBenchmark.Variants.Select(v => TpchBenchVariantReport.From(result, v))]);
}

/// <summary>One variant of <see cref="TpchBenchReport"/>: medians over the repeats, ratios to plain, and its runs.</summary>
internal sealed record TpchBenchVariantReport(
    string Variant,
    double LoadMilliseconds,
    double QueriesMilliseconds,
    double TotalMilliseconds,
    double CpuMilliseconds,
    double PeakBytes,
    double TotalRatio,
    double CpuRatio,
    double FootprintRatio,
    IReadOnlyList<TpchBenchQueryReport> Queries,
    IReadOnlyList<TpchBenchRunReport> Runs)
{
    public static TpchBenchVariantReport From(TpchBenchmarkResult result, string variant) => new(
        variant,
        result.GetMedianLoad(variant).Wall.TotalMilliseconds,
        result.GetMedianQueries(variant).Wall.TotalMilliseconds,
        result.GetMedianTotal(variant).Wall.TotalMilliseconds,
        result.GetMedianTotal(variant).Cpu.TotalMilliseconds,
        result.GetMedianPeakBytes(variant),
        result.GetTotalRatio(variant),
        result.GetCpuRatio(variant),
        result.GetFootprintRatio(variant),
        [.. result.Queries.Select(q => new TpchBenchQueryReport(q, result.GetMedianQuery(variant, q).Wall.TotalMilliseconds, result.GetMedianQuery(variant, q).Cpu.TotalMilliseconds))],
        [.. Enumerable.Range(0, result.Repeat).Select(r => (Repeat: r, Run: result.GetRun(r, variant))).Where(x => x.Run is not null).Select(x => new TpchBenchRunReport(
            x.Repeat, x.Run!.ProcessId, x.Run.Load.Wall.TotalMilliseconds, x.Run.Total.Wall.TotalMilliseconds, x.Run.Total.Cpu.TotalMilliseconds, x.Run.MemoryLimitBytes, x.Run.Footprint))]);
}

/// <summary>One query's median wall and CPU time in a variant.</summary>
internal sealed record TpchBenchQueryReport(int Query, double Milliseconds, double CpuMilliseconds);

/// <summary>One run of a variant: its process, times and footprint.</summary>
internal sealed record TpchBenchRunReport(int Repeat, int ProcessId, double LoadMilliseconds, double TotalMilliseconds, double CpuMilliseconds, long MemoryLimitBytes, FootprintReport Footprint);
