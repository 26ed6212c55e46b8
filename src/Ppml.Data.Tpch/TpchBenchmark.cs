using System.Diagnostics;
using System.Security.Cryptography;

namespace Ppml.Data.Tpch;

/// <summary>
/// TPC-H over encrypted data against the same queries over the same data in plaintext files, in one process
/// (<c>ppml tpch bench</c>). It generates the scale factor twice into a work directory (plain dbgen files; encrypted
/// parts) and compares three variants:
/// <list type="bullet">
/// <item><b>plain</b> (the baseline): an in-memory DuckDB reads the plaintext .tbl files itself (<c>read_csv</c>)
/// (<see cref="TpchPlainBaseline"/>);</item>
/// <item><b>encrypted</b>: a <see cref="PpmlContext"/> decrypts the containers into memory files and loads them
/// (encryption required) (<see cref="TpchDataset"/>);</item>
/// <item><b>plain-context</b>: a <see cref="PpmlContext"/> over the plaintext files, which separates the cost of
/// decryption from the cost of the memory-file path.</item>
/// </list>
/// Each repeat loads the three variants one after the other (order rotating), keeps the three databases open, then runs
/// every query on each variant back to back (order rotating again), so the runs being compared are adjacent in time:
/// on a shared machine whose load drifts over minutes, per-repeat ratios are far steadier than separate runs. Wall and
/// process CPU time are recorded for every step; every answer must equal the plain one. The result gives medians.
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
            var reference = new Dictionary<int, TpchQueryResult>();
            var run = new Run(options, plainDirectory, encryptedDirectory, queries, measurements, reference);
            for (int repeat = 0; repeat < options.Repeat; repeat++)
            {
                await run.RepeatAsync(repeat, cancellationToken).ConfigureAwait(false);
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

    private static bool SameAnswer(TpchQueryResult expected, TpchQueryResult actual) =>
        expected.Columns.SequenceEqual(actual.Columns)
        && expected.Rows.Count == actual.Rows.Count
        && expected.Rows.Zip(actual.Rows).All(pair => pair.First.SequenceEqual(pair.Second));

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

    /// <summary>The repeats of one benchmark: loads, queries and the answer check.</summary>
    private sealed class Run(
        TpchBenchmarkOptions options,
        string plainDirectory,
        string encryptedDirectory,
        int[] queries,
        TpchBenchmarkMeasurements measurements,
        Dictionary<int, TpchQueryResult> reference)
    {
        private readonly TimeProvider _clock = options.TimeProvider;
        private readonly double _scaleFactor = options.Generation.ScaleFactor;

        public async Task RepeatAsync(int repeat, CancellationToken cancellationToken)
        {
            var loaded = new Dictionary<string, LoadedVariant>();
            try
            {
                foreach (string variant in Rotate(repeat))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (LoadedVariant database, TpchBenchmarkSample sample) = await MeasureAsync(() => LoadAsync(variant, cancellationToken)).ConfigureAwait(false);
                    loaded[variant] = database;
                    measurements.Add(repeat, variant, TpchBenchmarkMeasurements.LoadStep, sample with { Wall = database.Load });
                }

                for (int i = 0; i < queries.Length; i++)
                {
                    int query = queries[i];
                    foreach (string variant in Rotate(repeat + i))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        (TpchQueryResult result, TpchBenchmarkSample sample) = await MeasureAsync(
                            () => loaded[variant].RunAsync(query, _scaleFactor, _clock, cancellationToken)).ConfigureAwait(false);
                        measurements.Add(repeat, variant, TpchBenchmarkMeasurements.Step(query), sample with { Wall = result.Elapsed });
                        if (!reference.TryGetValue(query, out TpchQueryResult? expected))
                        {
                            reference[query] = result;
                        }
                        else if (!SameAnswer(expected, result))
                        {
                            throw new TpchBenchmarkException($"Query {query} answered differently in the {variant} run than in an earlier run; the benchmark is void.");
                        }
                    }
                }
            }
            finally
            {
                foreach (LoadedVariant database in loaded.Values)
                {
                    await database.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private async Task<LoadedVariant> LoadAsync(string variant, CancellationToken cancellationToken)
        {
            if (variant == PlainVariant)
            {
                TpchPlainBaseline baseline = await TpchPlainBaseline.LoadAsync(plainDirectory, _clock, cancellationToken).ConfigureAwait(false);
                return new LoadedVariant(
                    baseline.LoadElapsed,
                    async (query, sf, time, token) => (await baseline.RunQueriesAsync([query], sf, null, time, token).ConfigureAwait(false))[0],
                    baseline);
            }

            PpmlContext context = await PpmlContext.OpenAsync(options.Kms, options.ContextOptions, cancellationToken).ConfigureAwait(false);
            try
            {
                TpchDataset dataset = TpchDataset.Locate(variant == EncryptedVariant ? encryptedDirectory : plainDirectory);
                long started = _clock.GetTimestamp();
                await dataset.RegisterAsync(context, requireEncrypted: variant == EncryptedVariant, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new LoadedVariant(
                    _clock.GetElapsedTime(started),
                    async (query, sf, time, token) => (await TpchDataset.RunQueriesAsync(context, [query], sf, null, time, token).ConfigureAwait(false))[0],
                    context);
            }
            catch
            {
                await context.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Runs <paramref name="action"/> and measures its wall time and the process's CPU time (DuckDB's threads included).</summary>
        private async Task<(T Result, TpchBenchmarkSample Sample)> MeasureAsync<T>(Func<Task<T>> action)
        {
            using var process = Process.GetCurrentProcess();
            TimeSpan cpu = process.TotalProcessorTime;
            long started = _clock.GetTimestamp();
            T result = await action().ConfigureAwait(false);
            TimeSpan wall = _clock.GetElapsedTime(started);
            process.Refresh();
            return (result, new TpchBenchmarkSample(wall, process.TotalProcessorTime - cpu));
        }
    }

    /// <summary>A loaded database of one variant, kept open while the queries run on every variant in turn.</summary>
    private sealed class LoadedVariant(TimeSpan load, Func<int, double, TimeProvider, CancellationToken, Task<TpchQueryResult>> run, IAsyncDisposable database) : IAsyncDisposable
    {
        public TimeSpan Load => load;

        public Task<TpchQueryResult> RunAsync(int query, double scaleFactor, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            run(query, scaleFactor, timeProvider, cancellationToken);

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }
}
