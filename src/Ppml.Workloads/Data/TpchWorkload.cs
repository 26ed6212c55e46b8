using Ppml.Core.Diagnostics;
using Ppml.Data;
using Ppml.Data.Tpch;

namespace Ppml.Workloads.Data;

/// <summary>
/// TPC-H as workloads (<c>ppml tpch gen|run|bench</c>, <c>ppml examples tpch</c>): generation into a dataset directory
/// (plain, or streamed straight into PPML containers), a run of the queries over a dataset in a context of the session
/// (encrypted parts decrypted in memory only) with the answers committed as one directory, the BigDL example, and the
/// benchmark against plaintext.
/// </summary>
public static class TpchWorkload
{
    /// <summary>The scale factor of the TPC-H example (<see cref="RunExampleAsync"/>) and the quickstart.</summary>
    public const double ExampleScaleFactor = 0.01;

    /// <summary>Generates the tables into <paramref name="output"/>, all or nothing (see <see cref="TpchDatasetWriter.WriteAsync"/>).</summary>
    /// <param name="generation">Scale factor, parts and threads.</param>
    /// <param name="output">The dataset directory to create (or replace).</param>
    /// <param name="encryption">The key service and key the parts are encrypted under; <see langword="null"/> for plain <c>.tbl</c> files.</param>
    /// <param name="overwrite">Whether a directory of TPC-H tables is replaced (nothing else ever is).</param>
    /// <param name="progress">Generation progress.</param>
    /// <param name="timeProvider">The clock for the elapsed time. <value>Default: the system clock.</value></param>
    /// <param name="cancellationToken">Cancels; nothing is left behind.</param>
    /// <returns>What was written and how fast.</returns>
    /// <exception cref="IOException">The output is a file, or a non-empty directory that may not be replaced.</exception>
    public static async Task<TpchGenerationOutcome> GenerateAsync(
        TpchGenerationOptions generation,
        string output,
        TpchEncryption? encryption,
        bool overwrite = false,
        IProgress<TpchProgress>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generation);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        long started = clock.GetTimestamp();
        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(generation, output, encryption, overwrite, progress, cancellationToken).ConfigureAwait(false);
        return new TpchGenerationOutcome(result, output, encryption?.KeyName, clock.GetElapsedTime(started));
    }

    /// <summary>
    /// Loads the dataset, runs the queries (telling <paramref name="observer"/> about each table and query) and, with an
    /// output, writes <c>qNN.csv</c> per query into a directory that appears only when every query succeeded.
    /// </summary>
    /// <param name="session">The workload session.</param>
    /// <param name="options">The dataset, the queries and the output.</param>
    /// <param name="observer">Hears each loaded table, the start of the queries and each finished query.</param>
    /// <param name="cancellationToken">Cancels; no output is left behind.</param>
    /// <returns>The run and where its answers went.</returns>
    /// <exception cref="WorkloadException">The output exists (a file, or a non-empty directory not to be replaced), or encrypted answers were asked for without an output.</exception>
    /// <exception cref="TpchFormatException">The dataset directory lacks a table or holds one in two layouts.</exception>
    /// <exception cref="DatasetException">A part could not be loaded or a query failed.</exception>
    public static async Task<TpchRunResult> RunAsync(PpmlSession session, TpchRunOptions options, ITpchRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        string? output = options.Output;
        if (output is null && options.EncryptOutput)
        {
            throw new WorkloadException("Encrypted TPC-H answers need an output directory.", isInvalidInput: true);
        }

        if (output is not null && (File.Exists(output) || (!options.Overwrite && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())))
        {
            throw new WorkloadException($"Output '{output}' already exists and is not an empty directory; TPC-H answers replace only a directory, and only when overwriting is allowed.", isInvalidInput: File.Exists(output));
        }

        TpchDataset dataset = TpchDataset.Locate(options.Data);
        TpchRunSummary summary;
        long memoryLimit;
        FootprintReport footprint;
        var monitor = new FootprintMonitor();
        await using (monitor.ConfigureAwait(false))
        {
            PpmlContext context = await session.OpenContextAsync(options.MemoryLimit, cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                memoryLimit = context.MemoryLimitBytes;
                summary = await dataset.LoadAndRunAsync(
                    context, options.Queries, options.ScaleFactor, options.RequireEncrypted, observer, session.Options.TimeProvider, options.SavedTables, cancellationToken).ConfigureAwait(false);
                footprint = monitor.GetReport();
            }
        }

        string? keyName = output is not null && options.EncryptOutput ? options.KeyName ?? session.DefaultKeyName : null;
        if (output is not null)
        {
            TpchEncryption? encryption = keyName is null ? null : new TpchEncryption(session.Keys, keyName);
            await TpchResultWriter.WriteDirectoryAsync(summary.Results, output, encryption, options.Overwrite, cancellationToken).ConfigureAwait(false);
        }

        return new TpchRunResult(summary, output, keyName) { MemoryLimitBytes = memoryLimit, Footprint = footprint };
    }

    /// <summary>
    /// BigDL PPML's TPC-H example: generates the tables encrypted under the session's default key into
    /// <c>DIRECTORY/tpch.enc</c>, then runs <paramref name="queries"/> on them with plain parts refused.
    /// </summary>
    /// <param name="session">The workload session.</param>
    /// <param name="generation">Scale factor and parts (<see cref="ExampleScaleFactor"/> is the example's).</param>
    /// <param name="queries">The queries, in order.</param>
    /// <param name="directory">Where the data goes (kept); <see langword="null"/> for a private temporary directory, deleted afterwards.</param>
    /// <param name="progress">Generation progress.</param>
    /// <param name="observer">Hears each loaded table and each finished query.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was generated and answered.</returns>
    public static async Task<TpchExampleResult> RunExampleAsync(
        PpmlSession session,
        TpchGenerationOptions generation,
        IReadOnlyList<int> queries,
        string? directory = null,
        IProgress<TpchProgress>? progress = null,
        ITpchRunObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(generation);
        using var temporary = new TemporaryDirectory("ppml-tpch-");
        string data = Path.Combine(directory ?? temporary.Path, "tpch.enc");
        TpchGenerationOutcome generated = await GenerateAsync(
            generation, data, new TpchEncryption(session.Keys, session.DefaultKeyName), overwrite: false, progress, session.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        PpmlContext context = await session.OpenContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            TpchRunSummary run = await TpchDataset.Locate(data).LoadAndRunAsync(
                context, queries, generation.ScaleFactor, requireEncrypted: true, observer, session.Options.TimeProvider, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new TpchExampleResult(generated, run);
        }
    }

    /// <summary>
    /// <see cref="TpchBenchmark.RunAsync"/> with the session's keys: the queries over encrypted data against the same
    /// queries over the same data in plaintext files, one database at a time, the data deleted afterwards.
    /// </summary>
    /// <param name="session">The workload session (its key service and default key encrypt the encrypted copy).</param>
    /// <param name="generation">Generation of the encrypted copy.</param>
    /// <param name="repeat">Runs of each variant (at least 1); the report gives medians.</param>
    /// <param name="queries">The queries, in order.</param>
    /// <param name="workDirectory">Where a private work directory for the data is created.</param>
    /// <param name="observer">Hears each generation and each measured repeat.</param>
    /// <param name="memoryLimit">DuckDB's memory limit for every variant, plain DuckDB included; <see langword="null"/> for the default (70% of the available memory).</param>
    /// <param name="runVariant">Runs one variant (the CLI: in a process of its own); <see langword="null"/> to run each in this process.</param>
    /// <param name="cancellationToken">Cancels; the data is deleted either way.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="WorkloadException">A query answered differently in one variant than in an earlier run, or a variant's run failed: the run is void.</exception>
    public static async Task<TpchBenchmarkResult> BenchmarkAsync(
        PpmlSession session,
        TpchGenerationOptions generation,
        int repeat,
        IReadOnlyList<int> queries,
        string workDirectory,
        ITpchBenchmarkObserver? observer = null,
        string? memoryLimit = null,
        Func<TpchBenchmarkVariantRequest, CancellationToken, Task<TpchBenchmarkVariantResult>>? runVariant = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var options = new TpchBenchmarkOptions
        {
            Generation = generation,
            Repeat = repeat,
            Queries = queries,
            WorkDirectory = workDirectory,
            Kms = session.Keys,
            KeyName = session.DefaultKeyName,
            ContextOptions = new PpmlContextOptions { TeeMode = session.TeeLabel, DefaultKeyName = session.DefaultKeyName, MemoryLimit = memoryLimit },
            TimeProvider = session.Options.TimeProvider,
            RunVariantAsync = runVariant,
        };
        try
        {
            return await TpchBenchmark.RunAsync(options, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (TpchBenchmarkException exception)
        {
            throw new WorkloadException(exception.Message, isInvalidInput: false, exception);
        }
    }

    /// <summary>
    /// One run of one benchmark variant in this process, with the session's keys (<see cref="TpchBenchmark.RunVariantAsync"/>):
    /// what the child process of <c>ppml tpch bench</c> does.
    /// </summary>
    /// <param name="session">The workload session (its keys decrypt the encrypted copy).</param>
    /// <param name="request">The variant, its data, the queries and the memory limit.</param>
    /// <param name="cgroupDirectory">A cgroup made for this process alone, whose <c>memory.peak</c> is the footprint; <see langword="null"/> to sample.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The measurements.</returns>
    public static Task<TpchBenchmarkVariantResult> RunBenchmarkVariantAsync(
        PpmlSession session, TpchBenchmarkVariantRequest request, string? cgroupDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var contextOptions = new PpmlContextOptions { TeeMode = session.TeeLabel, DefaultKeyName = session.DefaultKeyName };
        return TpchBenchmark.RunVariantAsync(request, session.Keys, contextOptions, cgroupDirectory, session.Options.TimeProvider, cancellationToken);
    }
}
