namespace Ppml.Data;

/// <summary>What <c>PpmlContext.SaveTablesAsync</c> wrote.</summary>
/// <param name="Path">The encrypted database file (full path).</param>
/// <param name="Tables">The tables saved.</param>
/// <param name="DatabaseBytes">The size of the DuckDB database inside the container (compressed tables).</param>
/// <param name="Elapsed">Export, build and encryption time.</param>
public sealed record SavedTables(string Path, IReadOnlyList<string> Tables, long DatabaseBytes, TimeSpan Elapsed);

/// <summary>What <see cref="PpmlContext.AttachTablesAsync"/> attached.</summary>
/// <param name="Path">The encrypted database file (full path).</param>
/// <param name="Tables">The tables now queryable under their own names, with DuckDB's row count estimate.</param>
/// <param name="Manifest">The key/value pairs saved with the tables (<see cref="SaveTablesOptions.Manifest"/>).</param>
/// <param name="DatabaseBytes">The size of the decrypted database held in memory.</param>
/// <param name="Elapsed">Decryption and attach time.</param>
public sealed record AttachedTables(string Path, IReadOnlyList<TableInfo> Tables, IReadOnlyDictionary<string, string> Manifest, long DatabaseBytes, TimeSpan Elapsed);

/// <summary>Options of <c>PpmlContext.SaveTablesAsync</c>.</summary>
public sealed class SaveTablesOptions
{
    /// <summary>The tables to save.</summary>
    /// <value>Default: <see langword="null"/>, every registered table.</value>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>The KMS key the database's data key is wrapped under.</summary>
    /// <value>Default: <see langword="null"/>, meaning <see cref="PpmlContextOptions.DefaultKeyName"/>.</value>
    public string? KeyName { get; init; }

    /// <summary>Whether an existing output may be replaced.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Key/value pairs saved inside the encrypted database and returned by <see cref="PpmlContext.AttachTablesAsync"/>, for
    /// example what the tables were loaded from, so that a caller can tell saved tables from stale ones (the pairs are
    /// authenticated with the tables).
    /// </summary>
    public IReadOnlyDictionary<string, string> Manifest { get; init; } = new Dictionary<string, string>();
}
