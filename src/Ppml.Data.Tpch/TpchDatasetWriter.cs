using System.Collections.Concurrent;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Data.Tables;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Tpch;

/// <summary>
/// Generates TPC-H tables into a directory, plain or encrypted, all or nothing: the layout that
/// <see cref="TpchDataset.Locate"/> reads.
/// <para>Layout: one part per table gives <c>lineitem.tbl</c> (<c>lineitem.tbl.ppml</c> encrypted, named as
/// <c>ppml encrypt</c> names files); with N &gt; 1 parts a table is a directory <c>lineitem/</c> holding
/// <c>lineitem.tbl.1[.ppml]</c> … <c>lineitem.tbl.N[.ppml]</c> (NATION and REGION are always one file). Beside the tables,
/// <c>_ppml_schema.json</c> (<see cref="TableSchemaFile"/>) names each table's location, format and columns, so
/// <c>ppml sql --table lineitem=OUT</c> needs no schema.</para>
/// <para>Safety: encrypted parts are written by the generator straight into an encrypting container stream (one fresh
/// KMS data key per part), so no plaintext reaches the disk. Each part is written with <see cref="AtomicFile"/>
/// (<c>name.tmp-XXXXXXXX</c>, flushed to disk and renamed when complete); the whole run goes into a
/// <see cref="StagingDirectory"/> <c>OUT.tmp-XXXXXXXX</c> that replaces <c>OUT</c> only when every part is done. A failed or cancelled run leaves nothing at <c>OUT</c> and no temporaries.</para>
/// </summary>
public static class TpchDatasetWriter
{
    /// <summary>The suffix of an encrypted part: <c>lineitem.tbl.ppml</c>.</summary>
    public const string ContainerSuffix = PpmlFileNames.ContainerExtension;

    /// <summary>dbgen's SF 1 table sizes in bytes (docs/tpch.md), to estimate the total for a progress bar.</summary>
    private static readonly Dictionary<TpchTable, long> Sf1Bytes = new()
    {
        [TpchTable.Part] = 24_135_125,
        [TpchTable.Supplier] = 1_409_184,
        [TpchTable.PartSupp] = 118_984_616,
        [TpchTable.Customer] = 24_346_144,
        [TpchTable.Orders] = 171_952_161,
        [TpchTable.LineItem] = 759_863_287,
        [TpchTable.Nation] = 2_224,
        [TpchTable.Region] = 389,
    };

    /// <summary>An estimate of the bytes of <paramref name="tables"/> at <paramref name="scaleFactor"/> (exact at SF 1).</summary>
    /// <param name="scaleFactor">The scale factor.</param>
    /// <param name="tables">The tables.</param>
    /// <returns>The estimated size of the .tbl text.</returns>
    public static long EstimateBytes(double scaleFactor, IEnumerable<TpchTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return tables.Sum(table => table is TpchTable.Nation or TpchTable.Region ? Sf1Bytes[table] : (long)(Sf1Bytes[table] * scaleFactor));
    }

    /// <summary>The path of <paramref name="part"/> under <paramref name="root"/> in the layout described above.</summary>
    /// <param name="root">The dataset directory.</param>
    /// <param name="part">The part.</param>
    /// <param name="encrypted">Whether the part is a PPML container (<see cref="ContainerSuffix"/> appended).</param>
    /// <returns>The part's path.</returns>
    public static string GetPartPath(string root, TpchPart part, bool encrypted)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(part);
        string name = part.FileName + (encrypted ? ContainerSuffix : string.Empty);
        return part.Count > 1 ? Path.Combine(root, part.TableName, name) : Path.Combine(root, name);
    }

    /// <summary>What is at <paramref name="output"/>: whether <see cref="WriteAsync"/> may write there.</summary>
    /// <param name="output">The output directory.</param>
    /// <param name="foreignEntry">With <see cref="TpchOutputState.OtherData"/>, the first entry that is not a TPC-H table.</param>
    /// <returns>The state of the output path.</returns>
    public static TpchOutputState InspectOutput(string output, out string? foreignEntry)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        foreignEntry = null;
        if (File.Exists(output))
        {
            return TpchOutputState.File;
        }

        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any())
        {
            return TpchOutputState.Empty;
        }

        foreignEntry = Directory.EnumerateFileSystemEntries(output)
            .Select(Path.GetFileName)
            .FirstOrDefault(name => name != TableSchemaFile.FileName && !TpchSchema.Tables.Any(table =>
                name == TpchSchema.GetTableName(table) || name!.StartsWith(TpchSchema.GetTableName(table) + ".", StringComparison.Ordinal)));
        return foreignEntry is null ? TpchOutputState.TpchData : TpchOutputState.OtherData;
    }

    /// <summary>
    /// Generates into <paramref name="output"/>. An existing non-empty <paramref name="output"/> is refused unless
    /// <paramref name="overwrite"/> is set; even then it is replaced only if it holds nothing but TPC-H tables.
    /// </summary>
    /// <param name="options">Scale factor, parts, tables, threads.</param>
    /// <param name="output">The directory to create (or replace).</param>
    /// <param name="encryption">The KMS and primary key name; <see langword="null"/> writes plain .tbl files.</param>
    /// <param name="overwrite">Replace an existing TPC-H directory.</param>
    /// <param name="progress">Generation progress.</param>
    /// <param name="cancellationToken">Cancels; nothing is left behind.</param>
    /// <returns>What was generated.</returns>
    /// <exception cref="IOException"><paramref name="output"/> is a file, or a non-empty directory that may not be replaced.</exception>
    public static async Task<TpchGenerationResult> WriteAsync(
        TpchGenerationOptions options,
        string output,
        TpchEncryption? encryption,
        bool overwrite = false,
        IProgress<TpchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckOutput(output, overwrite);
        using StagingDirectory staging = StagingDirectory.Create(output);
        var pending = new ConcurrentDictionary<TpchPart, PendingPart>();
        try
        {
            TpchGenerationResult result = await TpchGenerator.GenerateAsync(
                options,
                (part, token) => OpenPartAsync(part, staging.Path, encryption, pending, token),
                (part, _, token) => CompletePartAsync(part, pending, token),
                progress,
                cancellationToken).ConfigureAwait(false);

            // The schema beside the data, so 'ppml sql --table lineitem=DIR' needs no hand-typed columns.
            await TableSchemaFile.WriteAsync(staging.Path, DescribeTables(options, encryption is not null), cancellationToken).ConfigureAwait(false);

            // Replace: the old directory is moved aside first, so a crash leaves either the old or the new data in place.
            staging.Commit(replace: true);
            return result;
        }
        finally
        {
            foreach (PendingPart part in pending.Values)
            {
                await part.Stream.DisposeAsync().ConfigureAwait(false);
                await part.File.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The <see cref="TableSchemaFile"/> entries of a generation: each table's location as <see cref="GetPartPath"/> lays
    /// it out (a file, or a directory of parts), format <c>tbl</c>, and its <see cref="TpchSchema"/> columns.
    /// </summary>
    /// <param name="options">The generation options (tables and parts).</param>
    /// <param name="encrypted">Whether the parts are PPML containers.</param>
    /// <returns>One entry per generated table, paths relative to the output directory.</returns>
    public static IReadOnlyList<TableSchemaEntry> DescribeTables(TpchGenerationOptions options, bool encrypted)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            .. options.Tables.Select(table =>
            {
                int count = table is TpchTable.Nation or TpchTable.Region ? 1 : options.Parts;
                string path = count > 1 ? TpchSchema.GetTableName(table) : TpchSchema.GetFileName(table) + (encrypted ? ContainerSuffix : string.Empty);
                IReadOnlyList<DatasetColumn> columns = [.. TpchSchema.GetColumns(table).Select(c => new DatasetColumn(c.Name, c.SqlType))];
                return new TableSchemaEntry(TpchSchema.GetTableName(table), path, DatasetFormat.Tbl, columns);
            }),
        ];
    }

    private static void CheckOutput(string output, bool overwrite)
    {
        switch (InspectOutput(output, out string? foreign))
        {
            case TpchOutputState.File:
                throw new IOException($"TPC-H output '{output}' is a file; give a directory.");
            case TpchOutputState.TpchData when !overwrite:
            case TpchOutputState.OtherData when !overwrite:
                throw new IOException($"TPC-H output '{output}' already exists and is not empty; allow overwriting to replace it.");
            case TpchOutputState.OtherData:
                throw new IOException(
                    $"TPC-H output '{output}' holds '{foreign}', which is not a TPC-H table; only a TPC-H data directory is replaced. Choose another output directory.");
        }
    }

    private static async ValueTask<Stream> OpenPartAsync(
        TpchPart part,
        string staging,
        TpchEncryption? encryption,
        ConcurrentDictionary<TpchPart, PendingPart> pending,
        CancellationToken cancellationToken)
    {
        string final = GetPartPath(staging, part, encryption is not null);
        PendingFile file = AtomicFile.Create(final, overwrite: false);
        try
        {
            Stream stream = file.Stream;
            if (encryption is not null)
            {
                // One fresh data key per part: parts stay independently decryptable (and can go to different nodes).
                stream = await EnvelopeEncryption.CreateWriteAsync(encryption.Kms, encryption.KeyName, file.Stream, leaveOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            var entry = new PendingPart(file, stream);
            if (!pending.TryAdd(part, entry))
            {
                throw new InvalidOperationException($"Part {part.FileName} was opened twice.");
            }

            return stream;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask CompletePartAsync(TpchPart part, ConcurrentDictionary<TpchPart, PendingPart> pending, CancellationToken cancellationToken)
    {
        PendingPart entry = pending[part];
        if (entry.Stream is ContainerWriteStream container)
        {
            await container.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await container.DisposeAsync().ConfigureAwait(false);
        }

        await entry.File.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (pending.TryRemove(part, out PendingPart? done))
        {
            await done.File.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record PendingPart(PendingFile File, Stream Stream);
}
