using System.Diagnostics;
using System.Threading.Channels;
using DuckDB.NET.Data;
using Ppml.Data.IO;
using Ppml.Kms;

namespace Ppml.Data.Loading;

/// <summary>
/// Loads tables through memory files with decryption overlapped with DuckDB's parsing. Delimited text (CSV, .tbl) goes
/// in bounded <see cref="TextChunk"/>s: the first creates the table, each next one is appended, all in one transaction, and
/// each chunk's memory is freed as soon as DuckDB has read it; so the decrypted text held beside DuckDB's own tables is at
/// most <see cref="ChunksInFlight"/> chunks, whatever the table's size. Other formats (JSON, text lines, Parquet) are
/// prepared a whole table at a time, as before: their plaintext is held until the table is built.
/// </summary>
internal static class TableLoadPipeline
{
    /// <summary>
    /// The most chunks alive at once: one DuckDB is reading and one being decrypted (the producer starts a chunk only when
    /// DuckDB has taken the previous one).
    /// </summary>
    public const int ChunksInFlight = 2;

    /// <summary>Whether <paramref name="format"/> is loaded in bounded chunks.</summary>
    public static bool IsChunked(DatasetFormat format) => format is DatasetFormat.Csv or DatasetFormat.Tbl;

    /// <summary>Loads <paramref name="requests"/> in order; a failure leaves the failed table as it was (tables before it stay loaded).</summary>
    /// <param name="connection">The context's connection (the caller holds its lock).</param>
    /// <param name="kms">Unwraps the parts' data keys.</param>
    /// <param name="requests">The tables to load.</param>
    /// <param name="resolve">Finds a request's parts (with the context's read options applied).</param>
    /// <param name="effective">The read options a request is loaded with.</param>
    /// <param name="describe">Records a loaded table and returns what the caller reports.</param>
    /// <param name="chunkBytes">Target chunk size.</param>
    /// <param name="parallelism">Parts prepared at once for the first non-chunked table (the next ones use one thread, beside DuckDB).</param>
    /// <param name="progress">Receives each table as soon as it is loaded.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    public static async Task<IReadOnlyList<TableInfo>> RunAsync(
        DuckDBConnection connection,
        IKeyManagementService kms,
        IReadOnlyList<TableRequest> requests,
        Func<TableRequest, CancellationToken, Task<IReadOnlyList<DatasetPart>>> resolve,
        Func<DatasetReadOptions, DatasetReadOptions> effective,
        Func<TableRequest, IReadOnlyList<DatasetPart>, TimeSpan, CancellationToken, Task<TableInfo>> describe,
        long chunkBytes,
        int parallelism,
        IProgress<TableInfo>? progress,
        CancellationToken cancellationToken)
    {
        var loaded = new List<TableInfo>(requests.Count);
        if (requests.Count == 0)
        {
            return loaded;
        }

        Channel<Item> channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var producing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task producer = Task.Run(() => ProduceAsync(kms, requests, resolve, effective, chunkBytes, parallelism, channel.Writer, producing.Token), CancellationToken.None);
        Table? table = null;
        try
        {
            await foreach (Item item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (item)
                {
                    case Begin begin:
                        table = new Table(requests[begin.Request], begin.Parts, effective(requests[begin.Request].Options));
                        break;
                    case Chunk chunk:
                        using (chunk.Text)
                        {
                            await table!.AppendAsync(connection, chunk.Text, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case Whole whole:
                        using (whole.Prepared)
                        {
                            TableRequest request = requests[whole.Request];
                            long started = Stopwatch.GetTimestamp();
                            await MemoryFileLoader.CreateTableAsync(connection, request.Name, Path.GetFullPath(request.Path), whole.Prepared, request.Format, effective(request.Options), cancellationToken).ConfigureAwait(false);
                            TableInfo info = await describe(request, whole.Parts, whole.Preparation + Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
                            loaded.Add(info);
                            progress?.Report(info);
                        }

                        break;
                    case End:
                        table!.Commit();
                        TableInfo done = await describe(table.Request, table.Parts, Stopwatch.GetElapsedTime(table.Started), cancellationToken).ConfigureAwait(false);
                        table.Dispose();
                        table = null;
                        loaded.Add(done);
                        progress?.Report(done);
                        break;
                }
            }

            await producer.ConfigureAwait(false);
            return loaded;
        }
        finally
        {
            // Rolls back a table still being appended to; stops the producer and frees whatever it still holds.
            table?.Dispose();
            if (!producer.IsCompleted)
            {
                await producing.CancelAsync().ConfigureAwait(false);
            }

            while (channel.Reader.TryRead(out Item? left))
            {
                left.Dispose();
            }

            await Task.WhenAny(producer).ConfigureAwait(false);
            while (channel.Reader.TryRead(out Item? left))
            {
                left.Dispose();
            }

            _ = producer.Exception;
        }
    }

    private static async Task ProduceAsync(
        IKeyManagementService kms,
        IReadOnlyList<TableRequest> requests,
        Func<TableRequest, CancellationToken, Task<IReadOnlyList<DatasetPart>>> resolve,
        Func<DatasetReadOptions, DatasetReadOptions> effective,
        long chunkBytes,
        int parallelism,
        ChannelWriter<Item> output,
        CancellationToken cancellationToken)
    {
        try
        {
            bool first = true;
            for (int i = 0; i < requests.Count; i++)
            {
                TableRequest request = requests[i];
                long started = Stopwatch.GetTimestamp();
                IReadOnlyList<DatasetPart> parts = await resolve(request, cancellationToken).ConfigureAwait(false);
                if (!IsChunked(request.Format))
                {
                    PreparedParts prepared = await MemoryFileLoader.PrepareAsync(kms, parts, first ? parallelism : 1, cancellationToken).ConfigureAwait(false);
                    await WriteOrDisposeAsync(output, new Whole(i, parts, prepared, Stopwatch.GetElapsedTime(started)), cancellationToken).ConfigureAwait(false);
                    first = false;
                    continue;
                }

                await output.WriteAsync(new Begin(i, parts), cancellationToken).ConfigureAwait(false);
                DatasetReadOptions options = effective(request.Options);
                bool any = false;
                foreach (DatasetPart part in parts)
                {
                    await TextChunker.ProduceAsync(
                        kms,
                        part,
                        request.Format,
                        options,
                        chunkBytes,
                        async chunk =>
                        {
                            any = true;
                            await WriteOrDisposeAsync(output, new Chunk(i, chunk), cancellationToken).ConfigureAwait(false);

                            // Start the next chunk only once DuckDB has taken this one (and so freed the one before).
                            await output.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
                        },
                        cancellationToken).ConfigureAwait(false);
                }

                if (!any)
                {
                    // Only empty parts: DuckDB still reads one (empty) file, so the table gets its columns or the error an empty input gives.
                    DatasetPart part = parts.Count > 0 ? parts[0] : throw new DatasetException($"Dataset '{request.Path}' has no parts.");
                    await WriteOrDisposeAsync(output, new Chunk(i, TextChunk.Create(part, 1, request.Format == DatasetFormat.Csv && options.HasHeader)), cancellationToken).ConfigureAwait(false);
                }

                await output.WriteAsync(new End(i), cancellationToken).ConfigureAwait(false);
                first = false;
            }

            output.Complete();
        }
        catch (Exception exception)
        {
            output.Complete(exception);
        }
    }

    private static async ValueTask WriteOrDisposeAsync(ChannelWriter<Item> output, Item item, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            item.Dispose();
            throw;
        }
    }

    /// <summary>A chunked table being built: created by its first chunk, appended to by the next, in one transaction.</summary>
    private sealed class Table : IDisposable
    {
        private DuckDBTransaction? _transaction;
        private IReadOnlyList<DatasetColumn>? _columns;

        public Table(TableRequest request, IReadOnlyList<DatasetPart> parts, DatasetReadOptions options)
        {
            Request = request;
            Parts = parts;
            Options = options;
            Started = Stopwatch.GetTimestamp();
        }

        public TableRequest Request { get; }

        public IReadOnlyList<DatasetPart> Parts { get; }

        public DatasetReadOptions Options { get; }

        public long Started { get; }

        public async Task AppendAsync(DuckDBConnection connection, TextChunk chunk, CancellationToken cancellationToken)
        {
            string name = Sql.Identifier(Request.Name);
            var options = new DatasetReadOptions
            {
                HasHeader = chunk.HasHeader,
                Delimiter = Options.Delimiter,
                Schema = _columns ?? Options.Schema,
                RequireEncrypted = Options.RequireEncrypted,
            };
            string select = ReadSql.Select(Request.Format, [chunk.File.Path], options);
            try
            {
                if (_transaction is null)
                {
                    _transaction = connection.BeginTransaction();
                    await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {name} AS {select}", cancellationToken).ConfigureAwait(false);
                    _columns = Options.Schema ?? await DuckDb.DescribeAsync(connection, name, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await DuckDb.ExecuteAsync(connection, $"INSERT INTO {name} {select}", cancellationToken).ConfigureAwait(false);
                }
            }
            catch (DuckDBException exception)
            {
                throw Describe(exception, chunk, options);
            }
        }

        public void Commit()
        {
            _transaction?.Commit();
            _transaction?.Dispose();
            _transaction = null;
        }

        public void Dispose()
        {
            _transaction?.Dispose();
            _transaction = null;
        }

        private DatasetException Describe(DuckDBException exception, TextChunk chunk, DatasetReadOptions options)
        {
            string message = exception.Message;
            long? line = DuckDbErrors.Line(message);
            string reason = DuckDbErrors.LoadReason(message);
            if (line is null)
            {
                // DuckDB does not always say where (sniffer failures): look for the first bad record ourselves.
                using var stream = new FileStream(chunk.File.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16);
                if (PartDiagnostics.FindFirstError(stream, Request.Format, options) is { } found)
                {
                    line = found.Line > 0 ? found.Line : null;
                    reason = found.Reason;
                }
            }

            return MemoryFileLoader.Failure(Path.GetFullPath(Request.Path), chunk.Part.Path, line + chunk.FirstLine - 1, reason, exception);
        }
    }

    private abstract record Item(int Request) : IDisposable
    {
        public void Dispose() => Release();

        protected virtual void Release()
        {
        }
    }

    private sealed record Begin(int Request, IReadOnlyList<DatasetPart> Parts) : Item(Request);

    private sealed record End(int Request) : Item(Request);

    private sealed record Chunk(int Request, TextChunk Text) : Item(Request)
    {
        protected override void Release() => Text.Dispose();
    }

    private sealed record Whole(int Request, IReadOnlyList<DatasetPart> Parts, PreparedParts Prepared, TimeSpan Preparation) : Item(Request)
    {
        protected override void Release() => Prepared.Dispose();
    }
}
