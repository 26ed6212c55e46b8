using Ppml.Kms;

namespace Ppml.Data.Tpch;

/// <summary>What <see cref="TpchBenchmark.RunAsync"/> generates, measures and where.</summary>
public sealed class TpchBenchmarkOptions
{
    /// <summary>Generation of the encrypted copy (scale factor, parts, threads); the plaintext copy is the same with one part per table.</summary>
    public required TpchGenerationOptions Generation { get; init; }

    /// <summary>Runs of each variant; the report gives medians. At least 1.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>The queries, run in this order (default: all 22).</summary>
    public IReadOnlyList<int> Queries { get; init; } = TpchQueries.All;

    /// <summary>The directory under which a private work directory is created for the data and deleted afterwards.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The key management service that encrypts the encrypted copy and decrypts it again.</summary>
    public required IKeyManagementService Kms { get; init; }

    /// <summary>The primary key that wraps the data keys of the encrypted copy.</summary>
    public required string KeyName { get; init; }

    /// <summary>
    /// Options of the contexts the PpmlContext variants open (TEE mode, …). Its <see cref="PpmlContextOptions.MemoryLimit"/>
    /// applies to every variant, plain DuckDB included, so the comparison is fair; <see langword="null"/> there means the
    /// default rule (<see cref="PpmlContextOptions.DefaultMemoryLimitBytes"/>), resolved once for all variants.
    /// </summary>
    public PpmlContextOptions ContextOptions { get; init; } = new();

    /// <summary>
    /// Runs one variant and returns what it measured: the CLI starts a process per run (<c>ppml tpch bench</c>), so only one
    /// database is open at a time and each footprint is that variant's alone.
    /// <value>Default: <see langword="null"/>, each run in this process (<see cref="TpchBenchmark.RunVariantAsync"/>), one
    /// database at a time; footprints then include what the process held before.</value>
    /// </summary>
    public Func<TpchBenchmarkVariantRequest, CancellationToken, Task<TpchBenchmarkVariantResult>>? RunVariantAsync { get; init; }

    /// <summary>The clock for every timing.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
