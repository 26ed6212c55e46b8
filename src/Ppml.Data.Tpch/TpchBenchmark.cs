using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ppml.Core.Diagnostics;
using Ppml.Kms;

namespace Ppml.Data.Tpch;

/// <summary>
/// TPC-H over encrypted data against the same queries over the same data in plaintext files (<c>ppml tpch bench</c>). It
/// generates the scale factor twice into a work directory (plain dbgen files; encrypted parts) and compares three variants:
/// <list type="bullet">
/// <item><b>plain</b> (the baseline): an in-memory DuckDB reads the plaintext .tbl files itself (<c>read_csv</c>)
/// (<see cref="TpchPlainBaseline"/>);</item>
/// <item><b>encrypted</b>: a <see cref="PpmlContext"/> decrypts the containers into memory files and loads them
/// (encryption required) (<see cref="TpchDataset"/>);</item>
/// <item><b>plain-context</b>: a <see cref="PpmlContext"/> over the plaintext files, which separates the cost of
/// decryption from the cost of the memory-file path.</item>
/// </list>
/// Only one database is open at a time: each repeat runs the variants one after the other (order rotating, so drift on a
/// shared machine cancels), each loading its database, running every query and closing it
/// (<see cref="RunVariantAsync"/>) — by default in this process, or wherever <see cref="TpchBenchmarkOptions.RunVariantAsync"/>
/// says (the CLI starts a process per variant, so each footprint is that variant's alone). Wall and process CPU time are
/// recorded for the load and every query, and the peak memory footprint for each run; every answer must equal the first
/// run's. The result gives medians and ratios to plain.
/// </summary>
public static class TpchBenchmark
{
    /// <summary>The baseline variant: DuckDB reading the plaintext files itself.</summary>
    public const string PlainVariant = "plain";

    /// <summary>PpmlContext over the encrypted parts.</summary>
    public const string EncryptedVariant = "encrypted";

    /// <summary>PpmlContext over the plaintext files.</summary>
    public const string PlainContextVariant = "plain-context";

    /// <summary>The variants, in the order they are reported.</summary>
    public static IReadOnlyList<string> Variants { get; } = [PlainVariant, EncryptedVariant, PlainContextVariant];

    /// <summary>Generates the data, measures every variant <see cref="TpchBenchmarkOptions.Repeat"/> times and deletes the data.</summary>
    /// <param name="options">What to generate and measure.</param>
    /// <param name="observer">Hears each generation and each measured repeat.</param>
    /// <param name="cancellationToken">Cancels; the work directory is deleted either way.</param>
    /// <returns>The measurements, with medians and ratios.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The repeat count is below 1, a query number is not 1..22, or the generation options are invalid.</exception>
    /// <exception cref="TpchBenchmarkException">A query answered differently in one variant than in an earlier run.</exception>
    /// <exception cref="DatasetException">A copy could not be loaded or a query failed.</exception>
    public static async Task<TpchBenchmarkResult> RunAsync(
        TpchBenchmarkOptions options, ITpchBenchmarkObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeat, 1, nameof(options.Repeat));
        ArgumentException.ThrowIfNullOrEmpty(options.WorkDirectory, nameof(options.WorkDirectory));
        TpchGenerationOptions encryptedGeneration = options.Generation;
        encryptedGeneration.Validate();
        int[] queries = [.. options.Queries];
        foreach (int query in queries)
        {
            _ = TpchQueries.Get(query, encryptedGeneration.ScaleFactor);
        }

        var plainGeneration = new TpchGenerationOptions
        {
            ScaleFactor = encryptedGeneration.ScaleFactor,
            Parts = 1,
            Tables = encryptedGeneration.Tables,
            MaxDegreeOfParallelism = encryptedGeneration.MaxDegreeOfParallelism,
        };
        var encryption = new TpchEncryption(options.Kms, options.KeyName);
        TimeProvider clock = options.TimeProvider;
        string work = Path.Combine(options.WorkDirectory, "ppml-tpch-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(work);
        string loadBefore = LoadAverage();
        try
        {
            // The generator builds dbgen's 300 MiB text pool once per process; build it first, so neither timed run pays for it.
            long poolStarted = clock.GetTimestamp();
            await TpchGenerator.GenerateAsync(
                new TpchGenerationOptions { ScaleFactor = 0.001, Tables = [TpchTable.Region] },
                (_, _) => ValueTask.FromResult(Stream.Null),
                (_, _, _) => ValueTask.CompletedTask,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            TimeSpan pool = clock.GetElapsedTime(poolStarted);
            string plainDirectory = Path.Combine(work, "plain");
            string encryptedDirectory = Path.Combine(work, "encrypted");
            (TpchGenerationResult plainData, TimeSpan plainElapsed) = await GenerateAsync(plainGeneration, plainDirectory, null, clock, observer, cancellationToken).ConfigureAwait(false);
            (TpchGenerationResult encryptedData, TimeSpan encryptedElapsed) = await GenerateAsync(
                encryptedGeneration, encryptedDirectory, encryption, clock, observer, cancellationToken).ConfigureAwait(false);

            var measurements = new TpchBenchmarkMeasurements();
            var reference = new Dictionary<int, (string Variant, string Digest)>();
            string memoryLimit = options.ContextOptions.MemoryLimit ?? string.Create(CultureInfo.InvariantCulture, $"{PpmlContextOptions.DefaultMemoryLimitBytes} bytes");
            Func<TpchBenchmarkVariantRequest, CancellationToken, Task<TpchBenchmarkVariantResult>> run = options.RunVariantAsync
                ?? ((request, token) => RunVariantAsync(request, options.Kms, options.ContextOptions, cgroupDirectory: null, clock, token));
            for (int repeat = 0; repeat < options.Repeat; repeat++)
            {
                foreach (string variant in Rotate(repeat))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var request = new TpchBenchmarkVariantRequest
                    {
                        Variant = variant,
                        DataDirectory = variant == EncryptedVariant ? encryptedDirectory : plainDirectory,
                        Queries = queries,
                        ScaleFactor = encryptedGeneration.ScaleFactor,
                        MemoryLimit = memoryLimit,
                        Repeat = repeat,
                    };
                    TpchBenchmarkVariantResult result = await run(request, cancellationToken).ConfigureAwait(false);
                    Check(request, result, reference);
                    measurements.Add(repeat, result);
                    observer?.VariantRun(repeat, result);
                }

                foreach (string variant in Variants)
                {
                    observer?.VariantMeasured(repeat, variant, measurements.Load(repeat, variant), measurements.Queries(repeat, variant, queries));
                }
            }

            return new TpchBenchmarkResult(
                encryptedGeneration.ScaleFactor,
                options.Repeat,
                encryptedGeneration.Parts,
                queries,
                measurements,
                clock.GetUtcNow(),
                plainData,
                plainElapsed,
                encryptedData,
                encryptedElapsed,
                pool,
                loadBefore,
                LoadAverage());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(TpchGenerationResult Result, TimeSpan Elapsed)> GenerateAsync(
        TpchGenerationOptions generation,
        string directory,
        TpchEncryption? encryption,
        TimeProvider clock,
        ITpchBenchmarkObserver? observer,
        CancellationToken cancellationToken)
    {
        long started = clock.GetTimestamp();
        IProgress<TpchProgress>? progress = observer?.GenerationStarting(generation, encryption);
        TpchGenerationResult result = await TpchDatasetWriter.WriteAsync(generation, directory, encryption, overwrite: false, progress, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = clock.GetElapsedTime(started);
        observer?.GenerationFinished(result, elapsed, encryption);
        return (result, elapsed);
    }

    private static IEnumerable<string> Rotate(int by) => Variants.Skip(by % Variants.Count).Concat(Variants.Take(by % Variants.Count));

    /// <summary>The 1-minute load average and the core count (Linux), to record how busy the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return $"{text.Split(' ')[0]} on {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// Runs one variant in this process: opens its database (a <see cref="PpmlContext"/>, or plain DuckDB for
    /// <see cref="PlainVariant"/>) with the request's memory limit, loads the tables, runs the queries one by one, closes
    /// the database, and reports wall and process CPU time of each step, a digest of each answer and the peak footprint.
    /// The <c>ppml tpch bench</c> child process calls this.
    /// </summary>
    /// <param name="request">The variant, its data, the queries and the memory limit.</param>
    /// <param name="kms">Decrypts the encrypted copy (unused by the plain variant).</param>
    /// <param name="contextOptions">Options of the <see cref="PpmlContext"/> variants; their memory limit is the request's.</param>
    /// <param name="cgroupDirectory">A cgroup created for this process alone, whose <c>memory.peak</c> is the footprint; <see langword="null"/> to sample.</param>
    /// <param name="timeProvider">The clock for every timing (default: the system clock).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentException">The variant is unknown, or DuckDB refused the memory limit.</exception>
    /// <exception cref="DatasetException">The data could not be loaded or a query failed.</exception>
    public static async Task<TpchBenchmarkVariantResult> RunVariantAsync(
        TpchBenchmarkVariantRequest request,
        IKeyManagementService kms,
        PpmlContextOptions? contextOptions = null,
        string? cgroupDirectory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(kms);
        if (!Variants.Contains(request.Variant))
        {
            throw new ArgumentException($"Unknown benchmark variant '{request.Variant}'; the variants are {string.Join(", ", Variants)}.", nameof(request));
        }

        TimeProvider clock = timeProvider ?? TimeProvider.System;
        contextOptions ??= new PpmlContextOptions();
        var monitor = new FootprintMonitor(cgroupDirectory: cgroupDirectory);
        await using (monitor.ConfigureAwait(false))
        {
            using var process = Process.GetCurrentProcess();
            var queries = new List<TpchBenchmarkQuerySample>(request.Queries.Count);
            TpchBenchmarkSample load;
            long memoryLimit;
            if (request.Variant == PlainVariant)
            {
                (TpchPlainBaseline baseline, load) = await MeasureAsync(
                    process, clock, () => TpchPlainBaseline.LoadAsync(request.DataDirectory, request.MemoryLimit, clock, cancellationToken)).ConfigureAwait(false);
                await using (baseline.ConfigureAwait(false))
                {
                    memoryLimit = await baseline.GetMemoryLimitBytesAsync(cancellationToken).ConfigureAwait(false);
                    foreach (int query in request.Queries)
                    {
                        queries.Add(await MeasureQueryAsync(
                            process, clock, query, () => baseline.RunQueriesAsync([query], request.ScaleFactor, null, clock, cancellationToken)).ConfigureAwait(false));
                    }
                }
            }
            else
            {
                var options = new PpmlContextOptions
                {
                    TeeMode = contextOptions.TeeMode,
                    DefaultKeyName = contextOptions.DefaultKeyName,
                    RequireEncryptedInputs = contextOptions.RequireEncryptedInputs,
                    MemoryLimit = request.MemoryLimit,
                    Threads = contextOptions.Threads,
                    MaxDegreeOfParallelism = contextOptions.MaxDegreeOfParallelism,
                };
                (PpmlContext context, load) = await MeasureAsync(process, clock, async () =>
                {
                    PpmlContext opened = await PpmlContext.OpenAsync(kms, options, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await TpchDataset.Locate(request.DataDirectory).RegisterAsync(
                            opened, requireEncrypted: request.Variant == EncryptedVariant, cancellationToken: cancellationToken).ConfigureAwait(false);
                        return opened;
                    }
                    catch
                    {
                        await opened.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                }).ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    memoryLimit = context.MemoryLimitBytes;
                    foreach (int query in request.Queries)
                    {
                        queries.Add(await MeasureQueryAsync(
                            process, clock, query, () => TpchDataset.RunQueriesAsync(context, [query], request.ScaleFactor, null, clock, cancellationToken)).ConfigureAwait(false));
                    }
                }
            }

            return new TpchBenchmarkVariantResult(request.Variant, Environment.ProcessId, load, queries, monitor.GetReport(), memoryLimit);
        }
    }

    /// <summary>
    /// A digest of an answer as text: SHA-256 over the column names and every value, each length-prefixed, in order. Equal
    /// answers have equal digests; a different value, row order, row or column count changes it.
    /// </summary>
    /// <param name="result">The answer.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string DigestAnswer(TpchQueryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] length = new byte[4];
        void Append(string value)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        BinaryPrimitives.WriteInt32LittleEndian(length, result.Columns.Count);
        hash.AppendData(length);
        foreach (string column in result.Columns)
        {
            Append(column);
        }

        BinaryPrimitives.WriteInt32LittleEndian(length, result.Rows.Count);
        hash.AppendData(length);
        foreach (IReadOnlyList<string> row in result.Rows)
        {
            foreach (string value in row)
            {
                Append(value);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Checks a variant's result: the variant asked for, every query answered, each answer equal to the first run's.</summary>
    private static void Check(TpchBenchmarkVariantRequest request, TpchBenchmarkVariantResult result, Dictionary<int, (string Variant, string Digest)> reference)
    {
        if (result.Variant != request.Variant || !result.Queries.Select(q => q.Query).SequenceEqual(request.Queries))
        {
            throw new TpchBenchmarkException($"The {request.Variant} run of repeat {request.Repeat + 1} reported variant {result.Variant} and queries {string.Join(",", result.Queries.Select(q => q.Query))}; the benchmark is void.");
        }

        foreach (TpchBenchmarkQuerySample query in result.Queries)
        {
            if (!reference.TryGetValue(query.Query, out (string Variant, string Digest) expected))
            {
                reference[query.Query] = (request.Variant, query.AnswerDigest);
            }
            else if (expected.Digest != query.AnswerDigest)
            {
                throw new TpchBenchmarkException($"Query {query.Query} answered differently in the {request.Variant} run than in the {expected.Variant} run; the benchmark is void.");
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> and measures its wall time and the process's CPU time (DuckDB's threads included).</summary>
    private static async Task<(T Result, TpchBenchmarkSample Sample)> MeasureAsync<T>(Process process, TimeProvider clock, Func<Task<T>> action)
    {
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime;
        long started = clock.GetTimestamp();
        T result = await action().ConfigureAwait(false);
        TimeSpan wall = clock.GetElapsedTime(started);
        process.Refresh();
        return (result, new TpchBenchmarkSample(wall, process.TotalProcessorTime - cpu));
    }

    private static async Task<TpchBenchmarkQuerySample> MeasureQueryAsync(Process process, TimeProvider clock, int query, Func<Task<IReadOnlyList<TpchQueryResult>>> run)
    {
        (IReadOnlyList<TpchQueryResult> results, TpchBenchmarkSample sample) = await MeasureAsync(process, clock, run).ConfigureAwait(false);
        TpchQueryResult result = results[0];
        // The runner's own time (execute and read the rows) is the wall time, as before; CPU is the process's over the call.
        return new TpchBenchmarkQuerySample(query, sample with { Wall = result.Elapsed }, result.Rows.Count, DigestAnswer(result));
    }
}
