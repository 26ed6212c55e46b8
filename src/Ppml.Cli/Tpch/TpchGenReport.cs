using Ppml.Data.Tpch;
using Ppml.Workloads.Data;

namespace Ppml.Cli.Tpch;

/// <summary><c>ppml tpch gen --json</c>: what was written; <c>key</c> is set when the parts are encrypted.</summary>
internal sealed record TpchGenReport(
    double ScaleFactor,
    string Output,
    string? Key,
    int Parts,
    long Rows,
    long Bytes,
    double Seconds,
    IReadOnlyDictionary<string, long> TableRows)
{
    /// <summary>The <c>--json</c> form of <paramref name="outcome"/>.</summary>
    public static TpchGenReport From(TpchGenerationOutcome outcome) => new(
        outcome.Result.ScaleFactor,
        outcome.Output,
        outcome.KeyName,
        outcome.Result.Parts.Count,
        outcome.Result.TotalRows,
        outcome.Result.TotalBytes,
        outcome.Elapsed.TotalSeconds,
        outcome.Result.Rows.ToDictionary(pair => TpchSchema.GetTableName(pair.Key), pair => pair.Value, StringComparer.Ordinal));
}
