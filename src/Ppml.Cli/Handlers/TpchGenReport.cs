namespace Ppml.Cli.Handlers;

/// <summary><c>ppml tpch gen --json</c>: what was written; <c>key</c> is set when the parts are encrypted.</summary>
internal sealed record TpchGenReport(
    double ScaleFactor,
    string Output,
    string? Key,
    int Parts,
    long Rows,
    long Bytes,
    double Seconds,
    IReadOnlyDictionary<string, long> TableRows);
