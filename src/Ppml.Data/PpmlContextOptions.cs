namespace Ppml.Data;

/// <summary>Settings of a <see cref="PpmlContext"/>.</summary>
public sealed class PpmlContextOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Data";

    /// <summary>
    /// The TEE this context's keys were released to, as the workload session reports it (<c>sgx</c>, <c>tdx</c> or
    /// <c>simulation</c>), or <c>unattested</c> when its keys came without attestation (the embedded KMS). It is recorded for
    /// messages and reports; it does not change how data is processed.
    /// </summary>
    /// <value>Default: <c>unattested</c>: nothing claims a TEE unless a session attested.</value>
    public string TeeMode { get; init; } = "unattested";

    /// <summary>
    /// Whether every table must be read from encrypted parts (PPML containers or Parquet modular encryption), as if each
    /// read set <see cref="DatasetReadOptions.RequireEncrypted"/>. An attested workload sets it, so plaintext planted
    /// where ciphertext is expected is refused rather than computed on.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool RequireEncryptedInputs { get; init; }

    /// <summary>The KMS primary key that wraps the data keys of encrypted outputs when a write names none.</summary>
    /// <value>Default: <c>primary</c> (the key <c>ppml init</c> creates).</value>
    public string DefaultKeyName { get; init; } = "primary";

    /// <summary>
    /// DuckDB's memory limit (for example <c>4GB</c>). Spilling to disk is always disabled, so a query that needs more
    /// fails with an out-of-memory error instead of writing plaintext to a temporary file.
    /// </summary>
    /// <value>Default: <see langword="null"/> (DuckDB's default, 80% of physical memory).</value>
    public string? MemoryLimit { get; init; }

    /// <summary>DuckDB worker threads.</summary>
    /// <value>Default: <see langword="null"/> (one per core).</value>
    public int? Threads { get; init; }

    /// <summary>
    /// How many parts are decrypted at once when a table is registered.
    /// </summary>
    /// <value>Default: <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Test and benchmark hook: the target size of the pieces delimited text (CSV, .tbl) is fed to DuckDB in (each cut at a
    /// row boundary); at most <see cref="Loading.TableLoadPipeline.ChunksInFlight"/> of them are in memory at once.
    /// </summary>
    internal long LoadChunkBytes { get; init; } = DefaultLoadChunkBytes;

    /// <summary>The default of <see cref="LoadChunkBytes"/>: 64 MiB.</summary>
    internal const long DefaultLoadChunkBytes = 64L << 20;

    /// <summary>
    /// Test and benchmark hook: how decrypted parts reach DuckDB. <see cref="DecryptedInputTransport.Auto"/> uses an
    /// anonymous memory file where the runtime has one (Linux) and the DuckDB appender elsewhere.
    /// </summary>
    internal DecryptedInputTransport Transport { get; init; } = DecryptedInputTransport.Auto;
}

/// <summary>How decrypted (or plain) part bytes reach DuckDB.</summary>
internal enum DecryptedInputTransport
{
    /// <summary>Memory file when available, else appender.</summary>
    Auto,

    /// <summary>An anonymous memory file (<c>memfd_create</c>) that DuckDB reads through <c>/proc/self/fd/N</c>.</summary>
    MemoryFile,

    /// <summary>Rows parsed in .NET and appended through the DuckDB appender.</summary>
    Appender,
}
