using System.Globalization;
using DuckDB.NET.Data;
using ParquetSharp;
using Ppml.Crypto.Container;
using Ppml.Core.IO;
using Ppml.Data.Loading;
using Ppml.Data.Parquet;
using Ppml.Kms;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Writing;

/// <summary>Streams a query's rows into one file or a directory of part files, encrypted or plain, atomically.</summary>
internal static class ResultWriter
{
    public static async Task<WriteResult> WriteAsync(
        DuckDBConnection connection,
        IKeyManagementService kms,
        string sql,
        string fullPath,
        DatasetFormat format,
        DatasetWriteOptions options,
        string keyName,
        CancellationToken cancellationToken)
    {
        List<DatasetColumn> columns;
        try
        {
            columns = await DuckDb.DescribeAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }

        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        try
        {
            using DuckDBDataReader reader = await Task.Run(command.ExecuteReader, cancellationToken).ConfigureAwait(false);
            var rows = new RowSource(reader);
            if (options.RowsPerPart is not long perPart)
            {
                long written = await WriteFileAsync(kms, rows, fullPath, columns, format, options, keyName, long.MaxValue, cancellationToken).ConfigureAwait(false);
                return new WriteResult(fullPath, [fullPath], written, format, options.Encrypt);
            }

            return await WriteDirectoryAsync(kms, rows, fullPath, columns, format, options, keyName, perPart, cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }
    }

    /// <summary>Streams a query's rows, as CSV or JSON lines, into <paramref name="output"/> (plaintext: the caller chose it).</summary>
    public static async Task<long> WriteTextAsync(
        DuckDBConnection connection, string sql, TextWriter output, DatasetFormat format, DatasetWriteOptions options, CancellationToken cancellationToken)
    {
        try
        {
            List<DatasetColumn> columns = await DuckDb.DescribeAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            using DuckDBCommand command = connection.CreateCommand();
            command.CommandText = sql;
            command.UseStreamingMode = true;
            using DuckDBDataReader reader = await Task.Run(command.ExecuteReader, cancellationToken).ConfigureAwait(false);
            var rows = new RowSource(reader);
            using var stream = new TextWriterStream(output);
            return await Task.Run(() => Copy(rows, () => CreateTextWriter(format, stream, columns, options), long.MaxValue, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }
    }

    /// <summary>The file name extension of a part: <c>.csv</c>, <c>.json</c> or <c>.parquet</c>, plus <c>.ppml</c> for containers.</summary>
    public static string PartExtension(DatasetFormat format, bool encrypt) =>
        format switch
        {
            DatasetFormat.Csv => ".csv",
            DatasetFormat.Json => ".json",
            _ => ".parquet",
        } + (encrypt && format != DatasetFormat.Parquet ? ".ppml" : string.Empty);

    private static async Task<WriteResult> WriteDirectoryAsync(
        IKeyManagementService kms, RowSource rows, string fullPath, List<DatasetColumn> columns, DatasetFormat format, DatasetWriteOptions options, string keyName, long perPart, CancellationToken cancellationToken)
    {
        using StagingDirectory staging = StagingDirectory.Create(fullPath);
        var names = new List<string>();
        long total = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = string.Create(CultureInfo.InvariantCulture, $"part-{names.Count:D5}{PartExtension(format, options.Encrypt)}");
            total += await WriteFileAsync(kms, rows, Path.Combine(staging.Path, name), columns, format, options, keyName, perPart, cancellationToken).ConfigureAwait(false);
            names.Add(name);
        }
        while (rows.HasMore());

        // An earlier output (file or directory) is moved aside, replaced, then deleted.
        staging.Commit(replace: true);
        return new WriteResult(fullPath, names.Select(n => Path.Combine(fullPath, n)).ToList(), total, format, options.Encrypt);
    }

    private static async Task<long> WriteFileAsync(
        IKeyManagementService kms, RowSource rows, string path, List<DatasetColumn> columns, DatasetFormat format, DatasetWriteOptions options, string keyName, long maxRows, CancellationToken cancellationToken)
    {
        long written = 0;
        await AtomicFile.WriteAsync(
            path,
            async (stream, token) =>
            {
                if (format == DatasetFormat.Parquet)
                {
                    ParquetEncryption.FileKeys? keys = options.Encrypt
                        ? await ParquetEncryption.CreateFileKeysAsync(kms, keyName, columns.Select(c => c.Name).ToList(), token).ConfigureAwait(false)
                        : null;
                    using (keys)
                    {
                        using FileEncryptionProperties? encryption = keys?.CreateProperties();
                        written = await Task.Run(() => Copy(rows, () => new ParquetResultWriter(stream, columns, encryption), maxRows, token), token).ConfigureAwait(false);
                    }
                }
                else if (options.Encrypt)
                {
                    ContainerWriteStream container = await EnvelopeEncryption.CreateWriteAsync(kms, keyName, stream, leaveOpen: true, cancellationToken: token).ConfigureAwait(false);
                    await using (container.ConfigureAwait(false))
                    {
                        written = await Task.Run(() => Copy(rows, () => CreateTextWriter(format, container, columns, options), maxRows, token), token).ConfigureAwait(false);
                        await container.CompleteAsync(token).ConfigureAwait(false);
                    }
                }
                else
                {
                    written = await Task.Run(() => Copy(rows, () => CreateTextWriter(format, stream, columns, options), maxRows, token), token).ConfigureAwait(false);
                }
            },
            options.Overwrite,
            AtomicFile.OwnerOnly,
            cancellationToken).ConfigureAwait(false);
        return written;
    }

    private static IResultWriter CreateTextWriter(DatasetFormat format, Stream stream, List<DatasetColumn> columns, DatasetWriteOptions options) =>
        format == DatasetFormat.Csv
            ? new CsvResultWriter(stream, columns, options.Delimiter, options.Header)
            : new JsonResultWriter(stream, columns);

    private static long Copy(RowSource rows, Func<IResultWriter> create, long maxRows, CancellationToken cancellationToken)
    {
        using IResultWriter writer = create();
        long count = 0;
        while (count < maxRows && rows.TryTake(out object?[]? values))
        {
            if ((count & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            writer.WriteRow(values);
            count++;
        }

        writer.Finish();
        return count;
    }

    /// <summary>Rows of a reader with one row of look-ahead (to know whether another part is needed).</summary>
    private sealed class RowSource
    {
        private readonly DuckDBDataReader _reader;
        private object?[]? _pending;
        private bool _isDone;

        public RowSource(DuckDBDataReader reader)
        {
            _reader = reader;
        }

        public bool HasMore()
        {
            if (_pending is null && !_isDone)
            {
                _pending = Next();
            }

            return _pending is not null;
        }

        public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object?[]? values)
        {
            values = _pending ?? (_isDone ? null : Next());
            _pending = null;
            return values is not null;
        }

        private object?[]? Next()
        {
            if (!_reader.Read())
            {
                _isDone = true;
                return null;
            }

            object?[] values = new object?[_reader.FieldCount];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = _reader.IsDBNull(i) ? null : _reader.GetValue(i);
            }

            return values;
        }
    }
}
