namespace Ppml.Data;

/// <summary>How <see cref="PpmlContext.WriteAsync"/> writes a query result.</summary>
public sealed class DatasetWriteOptions
{
    /// <summary>
    /// Whether to encrypt: CSV and JSON become PPML containers (one fresh KMS data key per file); Parquet uses
    /// Parquet Modular Encryption (AES_GCM_V1, encrypted footer, one KMS data key per column and one for the footer).
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Encrypt { get; init; } = true;

    /// <summary>The KMS primary key that wraps the data keys.</summary>
    /// <value>Default: <see langword="null"/>, meaning <see cref="PpmlContextOptions.DefaultKeyName"/>.</value>
    public string? KeyName { get; init; }

    /// <summary>Whether an existing output may be replaced (atomically).</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool Overwrite { get; init; }

    /// <summary>Whether CSV output starts with a header line.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Header { get; init; } = true;

    /// <summary>The CSV delimiter.</summary>
    /// <value>Default: ','.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// When set, the output is a directory of part files (<c>part-00000.csv.ppml</c>, ...) holding at most this many rows
    /// each, written to a staging directory and renamed into place when every part is complete. When
    /// <see langword="null"/>, the output is one file.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public long? RowsPerPart { get; init; }
}
