using Ppml.Core.Diagnostics;
using Ppml.Data;
using Ppml.Workloads.Data;

namespace Ppml.Cli.Sql;

/// <summary>
/// <c>ppml sql --out FILE --json</c>: the file written and the tables loaded; <c>key</c> is set when it is encrypted;
/// <c>memoryLimitBytes</c> is DuckDB's effective limit and <c>footprint</c> the process's peak (bytes and method).
/// </summary>
internal sealed record SqlReport(string Output, string Format, long Rows, bool Encrypted, string? Key, IReadOnlyList<SqlTableReport> Tables, long MemoryLimitBytes, FootprintReport? Footprint)
{
    /// <summary>The <c>--json</c> form of <paramref name="result"/> (which wrote a file).</summary>
    public static SqlReport From(SqlWorkloadResult result, WriteResult written) => new(
        written.Path,
        written.Format.ToString().ToLowerInvariant(),
        written.Rows,
        written.IsEncrypted,
        result.KeyName,
        [.. result.Tables.Select(t => new SqlTableReport(t.Name, t.Rows, t.Parts, t.EncryptedParts, t.Elapsed.TotalMilliseconds))],
        result.MemoryLimitBytes,
        result.Footprint);
}

/// <summary>One table <c>ppml sql</c> loaded.</summary>
internal sealed record SqlTableReport(string Name, long Rows, int Parts, int EncryptedParts, double Milliseconds);
