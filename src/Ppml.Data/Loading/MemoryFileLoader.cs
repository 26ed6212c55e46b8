using DuckDB.NET.Data;
using ParquetSharp;
using Ppml.Data.IO;
using Ppml.Data.Parquet;
using Ppml.Kms;

namespace Ppml.Data.Loading;

/// <summary>
/// The whole-table load path (JSON, text lines, Parquet; delimited text goes in bounded chunks through
/// <see cref="TableLoadPipeline"/>): every part's plaintext goes into its own anonymous memory file (parts in parallel;
/// plain parts copied, containers decrypted in large sequential reads, modular-encrypted Parquet rewritten plain by column
/// chunk), then DuckDB reads all of them at once through <c>/proc/self/fd/N</c> with its native readers. The memory files
/// are closed (and their memory freed) as soon as the table is built.
/// </summary>
internal static class MemoryFileLoader
{
    /// <summary>
    /// Puts the plaintext of every part into its own memory file (parts in parallel). Touches no DuckDB connection, so it
    /// can run while DuckDB builds another table.
    /// </summary>
    public static async Task<PreparedParts> PrepareAsync(
        IKeyManagementService kms, IReadOnlyList<DatasetPart> parts, int parallelism, CancellationToken cancellationToken)
    {
        var files = new MemoryFile?[parts.Count];
        try
        {
            int innerParallelism = Math.Max(1, parallelism / parts.Count);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, parts.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    MemoryFile file = MemoryFile.Create("ppml-part");
                    files[i] = file;
                    DatasetPart part = parts[i];
                    if (part.Protection == PartProtection.ParquetModular)
                    {
                        await ParquetEncryption.WithDecryptionAsync(
                            kms,
                            part.Path,
                            properties =>
                            {
                                using var reader = new ParquetFileReader(part.Path, properties);
                                using var output = new FileStream(file.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1 << 20);
                                output.SetLength(0);
                                return ParquetCopier.Copy(reader, output);
                            },
                            token).ConfigureAwait(false);
                    }
                    else
                    {
                        await PartReader.CopyPlaintextToAsync(kms, part, file.Handle, innerParallelism, token).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            return new PreparedParts(parts, files!);
        }
        catch
        {
            foreach (MemoryFile? file in files)
            {
                file?.Dispose();
            }

            throw;
        }
    }

    /// <summary>Builds (or replaces) <paramref name="table"/> from prepared memory files with DuckDB's native readers.</summary>
    public static async Task CreateTableAsync(
        DuckDBConnection connection,
        string table,
        string datasetPath,
        PreparedParts prepared,
        DatasetFormat format,
        DatasetReadOptions options,
        CancellationToken cancellationToken)
    {
        var paths = prepared.Files.Select(f => f.Path).ToList();
        string select = ReadSql.Select(format, paths, options);
        if (format == DatasetFormat.Parquet && options.Schema is { } schema)
        {
            select = await ParquetSchema.ApplyAsync(connection, select, schema, datasetPath, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await DuckDb.ExecuteAsync(connection, $"CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS {select}", cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException exception)
        {
            throw Describe(exception, datasetPath, prepared.Parts, prepared.Files, format, options);
        }
    }

    private static DatasetException Describe(
        DuckDBException exception, string datasetPath, IReadOnlyList<DatasetPart> parts, IReadOnlyList<MemoryFile> files, DatasetFormat format, DatasetReadOptions options)
    {
        string message = exception.Message;
        string? fdPath = DuckDbErrors.File(message);
        int index = fdPath is null ? -1 : files.ToList().FindIndex(f => f.Path == fdPath);
        long? line = DuckDbErrors.Line(message);
        string reason = DuckDbErrors.LoadReason(message);

        // DuckDB does not always say where (sniffer failures, JSON errors): look for the first bad record ourselves.
        if (line is null || index < 0)
        {
            for (int i = index < 0 ? 0 : index; i < files.Count && (index < 0 || i == index); i++)
            {
                using var stream = new FileStream(files[i].Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16);
                if (PartDiagnostics.FindFirstError(stream, format, options) is { } found)
                {
                    index = i;
                    line = found.Line > 0 ? found.Line : null;
                    reason = found.Reason;
                    break;
                }
            }
        }

        return Failure(datasetPath, index < 0 ? null : parts[index].Path, line, reason, exception);
    }

    internal static DatasetException Failure(string datasetPath, string? partPath, long? line, string reason, Exception? inner)
    {
        string where = partPath is null ? $"Dataset '{datasetPath}'" : $"Part '{partPath}'";
        if (line is long number)
        {
            where += $", line {number}";
        }

        return new DatasetException($"{where}: {reason}.", partPath ?? datasetPath, line, inner);
    }
}
