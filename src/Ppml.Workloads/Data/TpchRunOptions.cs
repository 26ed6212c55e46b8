using Ppml.Data.Tpch;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="TpchWorkload.RunAsync"/> loads, runs and where the answers go.</summary>
public sealed class TpchRunOptions
{
    /// <summary>The dataset directory, in any layout <see cref="TpchDataset.Locate"/> reads.</summary>
    public required string Data { get; init; }

    /// <summary>The queries, run in this order. <value>Default: all 22.</value></summary>
    public IReadOnlyList<int> Queries { get; init; } = TpchQueries.All;

    /// <summary>The data's scale factor (for Q11). <value>Default: <see langword="null"/>, from the size of SUPPLIER.</value></summary>
    public double? ScaleFactor { get; init; }

    /// <summary>Whether every part must be encrypted.</summary>
    public bool RequireEncrypted { get; init; }

    /// <summary>
    /// The directory <c>qNN.csv</c> files are written to (header row, '|' between fields); it appears only when every query
    /// succeeded. <value>Default: <see langword="null"/>, nothing written.</value>
    /// </summary>
    public string? Output { get; init; }

    /// <summary>Whether the answers are written as PPML containers (<c>qNN.csv.ppml</c>).</summary>
    public bool EncryptOutput { get; init; }

    /// <summary>The key of encrypted answers. <value>Default: <see langword="null"/>, the session's default key.</value></summary>
    public string? KeyName { get; init; }

    /// <summary>Whether a non-empty <see cref="Output"/> is replaced.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Whether the run attaches tables saved from exactly these parts instead of parsing them (and saves them after a
    /// load): <see cref="TpchSavedTables.Use"/> by default, so a dataset saved once with
    /// <see cref="TpchSavedTables.UseOrSave"/> is attached by every later run until its parts change.
    /// </summary>
    public TpchSavedTables SavedTables { get; init; } = TpchSavedTables.Use;

    /// <summary>
    /// DuckDB's memory limit (<see cref="Ppml.Data.PpmlContextOptions.MemoryLimit"/>, for example <c>4GB</c>).
    /// </summary>
    /// <value>Default: <see langword="null"/>, 70% of the memory available to the process.</value>
    public string? MemoryLimit { get; init; }
}
