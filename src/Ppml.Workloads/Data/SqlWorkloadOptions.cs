using Ppml.Data;
using Ppml.Data.Tables;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="SqlWorkload.RunAsync"/> loads, asks and where the answer goes.</summary>
public sealed class SqlWorkloadOptions
{
    /// <summary>The SQL query (DuckDB dialect).</summary>
    public required string Query { get; init; }

    /// <summary>The tables to register first (<see cref="TableSources.Parse"/> reads them from text). <value>Default: none.</value></summary>
    public IReadOnlyList<TableSource> Tables { get; init; } = [];

    /// <summary>The file the result is written to; <see langword="null"/> prints the rows to <see cref="OutputWriter"/>, or returns them.</summary>
    public string? Output { get; init; }

    /// <summary>
    /// Without <see cref="Output"/>: where the rows are printed as text, CSV (header first) or, with
    /// <see cref="OutputFormat"/> JSON, one JSON object per line, streamed as the query produces them (plaintext: a console
    /// or pipe the caller chose). <value>Default: <see langword="null"/>, the rows are returned in
    /// <see cref="SqlWorkloadResult.Rows"/>.</value>
    /// </summary>
    public TextWriter? OutputWriter { get; init; }

    /// <summary>
    /// The format of <see cref="Output"/>: CSV, JSON or Parquet (of <see cref="OutputWriter"/>: CSV or JSON).
    /// <value>Default: <see langword="null"/>, from the output's extension, else CSV.</value>
    /// </summary>
    public DatasetFormat? OutputFormat { get; init; }

    /// <summary>
    /// Whether <see cref="Output"/> is encrypted: a PPML container for CSV and JSON (<c>.ppml</c> is appended to the name
    /// when missing), Parquet modular encryption for Parquet.
    /// </summary>
    public bool Encrypt { get; init; }

    /// <summary>The key of an encrypted output. <value>Default: <see langword="null"/>, the session's default key.</value></summary>
    public string? KeyName { get; init; }

    /// <summary>Whether an existing <see cref="Output"/> is replaced (atomically).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// DuckDB's memory limit (<see cref="PpmlContextOptions.MemoryLimit"/>, for example <c>4GB</c>).
    /// <value>Default: <see langword="null"/>, 70% of the memory available to the process.</value>
    /// </summary>
    public string? MemoryLimit { get; init; }
}
