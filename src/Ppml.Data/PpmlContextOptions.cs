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
    /// DuckDB's memory limit, as DuckDB writes sizes (for example <c>4GB</c>, <c>512MB</c>, <c>3GiB</c>). A query or a load
    /// that needs more spills to encrypted temporary files when <see cref="Spill"/> allows it, and otherwise fails with an
    /// out-of-memory error; plaintext never reaches a temporary file. The limit covers DuckDB's buffer pool (its tables and
    /// the working memory of queries), not the decrypted text waiting in memory files, nor the .NET heap.
    /// </summary>
    /// <value>
    /// Default: <see langword="null"/>, which means <see cref="DefaultMemoryLimitShare"/> (70%) of the memory available to
    /// this process (<see cref="DefaultMemoryLimitBytes"/>). DuckDB's own default, 80% of physical memory, left no room for
    /// what lives beside its buffer pool while tables load (up to three 64 MiB decrypted chunks of delimited text, a whole
    /// table's plaintext for JSON, text and Parquet), the .NET heap, and the other tenants of a shared machine; and it
    /// ignores a container's limit, which <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> honours.
    /// </value>
    public string? MemoryLimit { get; init; }

    /// <summary>
    /// Whether DuckDB may spill to disk when a query or a load outgrows <see cref="MemoryLimit"/>. Spilled data is always
    /// encrypted: DuckDB's temporary files are written through hooks on its libc calls that encrypt every write with
    /// AES-256-GCM under a random key that exists only in this process's memory, and authenticate every read (a modified
    /// file fails the query). They protect the confidentiality and integrity of spilled data on disk, also after a crash;
    /// not the process's memory, nor the size and timing of spill files. Hooking works on Linux x64 and arm64 only.
    /// </summary>
    /// <value>Default: <see cref="SpillMode.Auto"/>: encrypted spilling where it works, none elsewhere.</value>
    public SpillMode Spill { get; init; } = SpillMode.Auto;

    /// <summary>
    /// The directory under which each context creates its private spill directory (<c>ppml-spill-XXXXXXXX</c>, mode 0700,
    /// deleted when the context is disposed; those left by a killed process are removed by the next context opened here).
    /// Created (mode 0700) if missing. Use a disk with room for the largest spill: DuckDB stops at
    /// <see cref="MaxSpillSize"/> or 90% of the free space.
    /// </summary>
    /// <value>Default: <see langword="null"/>: <c>ppml-spill</c> in the temp folder (<see cref="Path.GetTempPath"/>).</value>
    public string? SpillDirectory { get; init; }

    /// <summary>DuckDB's <c>max_temp_directory_size</c> (for example <c>20GB</c>): the most a context may spill.</summary>
    /// <value>Default: <see langword="null"/> (DuckDB's default, 90% of the free space of the spill directory's disk).</value>
    public string? MaxSpillSize { get; init; }

    /// <summary>The share of the available memory that the default <see cref="MemoryLimit"/> gives DuckDB: 0.7.</summary>
    public const double DefaultMemoryLimitShare = 0.7;

    /// <summary>
    /// The default <see cref="MemoryLimit"/> in bytes: <see cref="DefaultMemoryLimitShare"/> of
    /// <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (physical memory, or the cgroup's limit when the process has one).
    /// </summary>
    public static long DefaultMemoryLimitBytes => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultMemoryLimitShare);

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

    /// <summary>The default of <see cref="LoadChunkBytes"/>: 128 MiB (smaller chunks cost DuckDB more per byte: a statement each).</summary>
    internal const long DefaultLoadChunkBytes = 128L << 20;

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
