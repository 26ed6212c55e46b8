using System.Collections.Concurrent;
using Ppml.Core.IO;
using Ppml.Data.Tpch.Generation;

namespace Ppml.Data.Tpch;

/// <summary>
/// Generates the TPC-H tables as dbgen 3.0.1 does: the same random streams, seeds, distributions, text
/// grammar and formulas, and the same <c>|</c>-separated .tbl text (see docs/tpch.md). Parts are contiguous
/// row ranges that are generated concurrently and independently (each jumps its random streams to its first
/// row), so the output does not depend on the number of parts or threads. Memory is constant: a 256 KiB
/// buffer per open part plus dbgen's 300 MiB text pool, built once per process.
/// </summary>
public static class TpchGenerator
{
    /// <summary>
    /// Generates <see cref="TpchGenerationOptions.Tables"/> into streams the caller provides, one per part.
    /// </summary>
    /// <param name="options">Scale factor, parts, tables and parallelism.</param>
    /// <param name="openPart">
    /// Opens the stream a part is written to (for example an encrypting stream over a temporary file).
    /// The generator writes, flushes and then calls <paramref name="completePart"/>, and disposes the stream last.
    /// </param>
    /// <param name="completePart">
    /// Called once a part's stream is fully written and flushed: the caller commits it (renames the file,
    /// finishes the container). A part whose generation fails or is cancelled is disposed without this call,
    /// so the caller must treat a stream disposed without completion as discarded.
    /// </param>
    /// <param name="progress">Receives a <see cref="TpchProgress"/> after each buffer written and each part completed.</param>
    /// <param name="cancellationToken">Stops the run; parts not yet completed are disposed without completion.</param>
    /// <returns>Rows and bytes per table and the parts written.</returns>
    /// <remarks>
    /// Parts are committed one by one. When the run fails or is cancelled, the parts completed before that
    /// stay committed and the exception tells the caller that the set is incomplete.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static async Task<TpchGenerationResult> GenerateAsync(
        TpchGenerationOptions options,
        Func<TpchPart, CancellationToken, ValueTask<Stream>> openPart,
        Func<TpchPart, Stream, CancellationToken, ValueTask> completePart,
        IProgress<TpchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openPart);
        ArgumentNullException.ThrowIfNull(completePart);
        options.Validate();

        TpchScale scale = TpchScale.Create(options.ScaleFactor, nameof(options.ScaleFactor));
        List<WorkItem> work = Plan(scale, options);
        var state = new RunState(work.Sum(item => item.Parts.Count), work.Sum(item => item.ExpectedRows), progress);

        // Building the 300 MiB text pool takes a second or two the first time: keep it off the caller's thread.
        TextPool pool = await Task.Run(() => TextPool.Default, cancellationToken).ConfigureAwait(false);

        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(
            work,
            parallel,
            (item, token) => new ValueTask(RunAsync(item, scale, pool, openPart, completePart, state, token))).ConfigureAwait(false);

        return state.ToResult(options.ScaleFactor, work);
    }

    /// <summary>
    /// Generates into <paramref name="directory"/> with dbgen's file names (<see cref="TpchPart.FileName"/>).
    /// Each file is written with <see cref="AtomicFile"/> (<c>name.tmp-XXXXXXXX</c>, flushed to disk and renamed when
    /// complete, replacing an existing file); a failed or cancelled run leaves no temporary files.
    /// </summary>
    /// <param name="options">Scale factor, parts, tables and parallelism.</param>
    /// <param name="directory">The output directory; created if missing.</param>
    /// <param name="progress">Receives progress snapshots.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>Rows and bytes per table and the parts written.</returns>
    public static async Task<TpchGenerationResult> GenerateToDirectoryAsync(
        TpchGenerationOptions options,
        string directory,
        IProgress<TpchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var pending = new ConcurrentDictionary<TpchPart, PendingFile>();
        try
        {
            return await GenerateAsync(
                options,
                (part, _) =>
                {
                    PendingFile file = AtomicFile.Create(Path.Combine(directory, part.FileName));
                    pending[part] = file;
                    return ValueTask.FromResult<Stream>(file.Stream);
                },
                async (part, _, token) =>
                {
                    await pending[part].CommitAsync(token).ConfigureAwait(false);
                    if (pending.TryRemove(part, out PendingFile? file))
                    {
                        await file.DisposeAsync().ConfigureAwait(false);
                    }
                },
                progress,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (PendingFile file in pending.Values)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The exact number of rows of <paramref name="table"/> at <paramref name="scaleFactor"/>. For LINEITEM this
    /// replays dbgen's line-count stream (one draw per order, about 5 ms per SF), without generating the rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale factor is invalid.</exception>
    public static long GetRowCount(TpchTable table, double scaleFactor)
    {
        TpchScale scale = TpchScale.Create(scaleFactor, nameof(scaleFactor));
        return table switch
        {
            TpchTable.PartSupp => scale.PartSupps,
            TpchTable.LineItem => CountLines(0, scale.Orders),
            _ => scale.DriverRows(table),
        };
    }

    private static long CountLines(long firstOrder, long orders)
    {
        var lineCount = new DbgenRandom(OrderGenerator.LineCountSeed, 1);
        lineCount.AdvanceRows(firstOrder);
        long lines = 0;
        for (long i = 0; i < orders; i++)
        {
            lines += lineCount.NextInt(1, OrderGenerator.MaxLines);
            lineCount.RowFinished();
        }

        return lines;
    }

    private static List<WorkItem> Plan(TpchScale scale, TpchGenerationOptions options)
    {
        var tables = new HashSet<TpchTable>(options.Tables);
        var groups = new List<TpchTable[]>();

        // Largest first, so the long parts start early; master and detail are generated together as dbgen does.
        AddGroup(TpchTable.Orders, TpchTable.LineItem);
        AddGroup(TpchTable.Part, TpchTable.PartSupp);
        AddGroup(TpchTable.Customer);
        AddGroup(TpchTable.Supplier);
        AddGroup(TpchTable.Nation);
        AddGroup(TpchTable.Region);

        var work = new List<WorkItem>();
        foreach (TpchTable[] group in groups)
        {
            bool isFixed = group[0] is TpchTable.Nation or TpchTable.Region;
            int partCount = isFixed ? 1 : options.Parts;
            long driverRows = scale.DriverRows(group[0]);
            for (int index = 0; index < partCount; index++)
            {
                long first = driverRows * index / partCount;
                long count = (driverRows * (index + 1) / partCount) - first;
                long expected = 0;
                foreach (TpchTable table in group)
                {
                    expected += table switch
                    {
                        TpchTable.PartSupp => count * TpchScale.SuppliersPerPart,
                        TpchTable.LineItem => CountLines(first, count),
                        _ => count,
                    };
                }

                work.Add(new WorkItem([.. group.Select(table => new TpchPart(table, index, partCount))], first, count, expected));
            }
        }

        return work;

        void AddGroup(params TpchTable[] candidates)
        {
            TpchTable[] selected = [.. candidates.Where(tables.Contains)];
            if (selected.Length > 0)
            {
                groups.Add(selected);
            }
        }
    }

    private static TblGenerator CreateGenerator(WorkItem item, TpchScale scale, TextPool pool, Output[] outputs)
    {
        TblBuffer? BufferOf(TpchTable table) => outputs.FirstOrDefault(output => output.Part.Table == table)?.Buffer;

        return item.Parts[0].Table switch
        {
            TpchTable.Orders or TpchTable.LineItem =>
                new OrderGenerator(scale, pool, item.FirstRow, item.RowCount, BufferOf(TpchTable.Orders), BufferOf(TpchTable.LineItem)),
            TpchTable.Part or TpchTable.PartSupp =>
                new PartGenerator(scale, pool, item.FirstRow, item.RowCount, BufferOf(TpchTable.Part), BufferOf(TpchTable.PartSupp)),
            TpchTable.Customer => new CustomerGenerator(pool, item.FirstRow, item.RowCount, outputs[0].Buffer),
            TpchTable.Supplier => new SupplierGenerator(pool, item.FirstRow, item.RowCount, outputs[0].Buffer),
            TpchTable.Nation or TpchTable.Region => new NationRegionGenerator(item.Parts[0].Table, pool, outputs[0].Buffer),
            _ => throw new InvalidOperationException($"No generator for {item.Parts[0].Table}."),
        };
    }

    private static async Task RunAsync(
        WorkItem item,
        TpchScale scale,
        TextPool pool,
        Func<TpchPart, CancellationToken, ValueTask<Stream>> openPart,
        Func<TpchPart, Stream, CancellationToken, ValueTask> completePart,
        RunState state,
        CancellationToken cancellationToken)
    {
        var outputs = new List<Output>(item.Parts.Count);
        try
        {
            foreach (TpchPart part in item.Parts)
            {
                Stream stream = await openPart(part, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"openPart returned no stream for {part.FileName}.");
                outputs.Add(new Output(part, stream, new TblBuffer()));
            }

            Output[] opened = [.. outputs];
            TblGenerator generator = CreateGenerator(item, scale, pool, opened);
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                generator.Fill();
                foreach (Output output in opened)
                {
                    await output.WriteBufferAsync(state, cancellationToken).ConfigureAwait(false);
                }

                state.Report();
            }
            while (!generator.IsDone);

            foreach (Output output in opened)
            {
                await output.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                await completePart(output.Part, output.Stream, cancellationToken).ConfigureAwait(false);
                state.CompletePart();
            }
        }
        finally
        {
            foreach (Output output in outputs)
            {
                await output.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A row range of one table group (a master table and its detail, or a single table).</summary>
    private sealed record WorkItem(IReadOnlyList<TpchPart> Parts, long FirstRow, long RowCount, long ExpectedRows);

    private sealed class Output(TpchPart part, Stream stream, TblBuffer buffer)
    {
        private long _reportedRows;

        public TpchPart Part { get; } = part;

        public Stream Stream { get; } = stream;

        public TblBuffer Buffer { get; } = buffer;

        public async ValueTask WriteBufferAsync(RunState state, CancellationToken cancellationToken)
        {
            if (Buffer.Length == 0)
            {
                return;
            }

            await Stream.WriteAsync(Buffer.Written, cancellationToken).ConfigureAwait(false);
            state.Add(Part.Table, Buffer.Rows - _reportedRows, Buffer.Length);
            _reportedRows = Buffer.Rows;
            Buffer.Clear();
        }
    }

    /// <summary>Totals shared by the concurrent parts of a run.</summary>
    private sealed class RunState(int totalParts, long totalRows, IProgress<TpchProgress>? progress)
    {
        private readonly long[] _rows = new long[TpchSchema.Tables.Count];
        private readonly long[] _bytes = new long[TpchSchema.Tables.Count];
        private long _allRows;
        private long _allBytes;
        private int _partsCompleted;

        public void Add(TpchTable table, long rows, long bytes)
        {
            Interlocked.Add(ref _rows[(int)table], rows);
            Interlocked.Add(ref _bytes[(int)table], bytes);
            Interlocked.Add(ref _allRows, rows);
            Interlocked.Add(ref _allBytes, bytes);
        }

        public void CompletePart()
        {
            Interlocked.Increment(ref _partsCompleted);
            Report();
        }

        public void Report() => progress?.Report(new TpchProgress(
            Interlocked.Read(ref _allRows),
            Interlocked.Read(ref _allBytes),
            totalRows,
            Volatile.Read(ref _partsCompleted),
            totalParts));

        public TpchGenerationResult ToResult(double scaleFactor, List<WorkItem> work)
        {
            List<TpchPart> parts = [.. work.SelectMany(item => item.Parts).OrderBy(part => part.Table).ThenBy(part => part.Index)];
            Dictionary<TpchTable, long> rows = parts.Select(part => part.Table).Distinct().ToDictionary(table => table, table => _rows[(int)table]);
            Dictionary<TpchTable, long> bytes = rows.Keys.ToDictionary(table => table, table => _bytes[(int)table]);
            return new TpchGenerationResult(scaleFactor, rows, bytes, parts);
        }
    }
}
