using System.Globalization;
using DuckDB.NET.Data;
using Ppml.Data.IO;
using Ppml.Kms;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Loading;

/// <summary>
/// Loaded tables kept as a DuckDB database file inside a PPML container, so a later session attaches them instead of
/// parsing the inputs again. The database is built and read only in memory files: saving exports each table as Parquet
/// into a memory file, and a private DuckDB instance (which runs no user SQL) builds the database in a memory file
/// reached through a symbolic link in a private directory (DuckDB names its write-ahead log after the database path, so
/// the path must be a directory entry; the log is a second memory file, linked the same way); the database's bytes are
/// then encrypted under a KMS data key. Attaching decrypts the container into a memory file that DuckDB opens read-only;
/// its blocks are read from that memory file on demand (compressed, and evictable from DuckDB's buffer pool).
/// </summary>
internal static class SavedDatabase
{
    /// <summary>The table inside the database that holds the caller's manifest (key/value pairs).</summary>
    public const string ManifestTable = "__ppml_manifest";

    private const string DatabaseName = "tables.duckdb";

    /// <summary>
    /// Builds a database with <paramref name="fill"/> and encrypts it to <paramref name="output"/>. The fill runs on the
    /// private builder instance with the new database as its default (<c>USE</c>), so unqualified <c>CREATE TABLE</c>s land
    /// in it; the builder reads memory files (<c>/proc/self/fd/</c>) and nothing else.
    /// </summary>
    /// <returns>The database's plaintext size in bytes.</returns>
    public static async Task<long> SaveAsync(
        IKeyManagementService kms,
        Func<DuckDBConnection, CancellationToken, Task> fill,
        IReadOnlyDictionary<string, string> manifest,
        string output,
        string keyName,
        bool overwrite,
        CancellationToken cancellationToken)
    {
        using MemoryFile database = MemoryFile.Create("ppml-db");
        await BuildAsync(database, fill, manifest, cancellationToken).ConfigureAwait(false);
        long length = RandomAccess.GetLength(database.Handle);
        await EnvelopeEncryption.EncryptFileAsync(kms, keyName, database.Path, output, options: null, overwrite, progress: null, cancellationToken).ConfigureAwait(false);
        return length;
    }

    /// <summary>
    /// A fill for <see cref="SaveAsync"/> that copies <paramref name="tables"/> from <paramref name="main"/>, one at a time
    /// (each exported as Parquet into a memory file that is freed as soon as the table is built), so the extra memory is one
    /// table's Parquet plus the growing, compressed database.
    /// </summary>
    public static Func<DuckDBConnection, CancellationToken, Task> CopyTables(DuckDBConnection main, IReadOnlyList<string> tables) =>
        async (builder, cancellationToken) =>
        {
            foreach (string table in tables)
            {
                using MemoryFile export = MemoryFile.Create("ppml-save");
                await DuckDb.ExecuteAsync(main, $"COPY {Sql.Identifier(table)} TO {Sql.Literal(export.Path)} (FORMAT parquet, USE_TMP_FILE false)", cancellationToken).ConfigureAwait(false);
                await DuckDb.ExecuteAsync(builder, $"CREATE TABLE {Sql.Identifier(table)} AS SELECT * FROM read_parquet({Sql.Literal(export.Path)})", cancellationToken).ConfigureAwait(false);
                await DuckDb.ExecuteAsync(builder, "CHECKPOINT saved", cancellationToken).ConfigureAwait(false);
            }
        };

    /// <summary>Decrypts <paramref name="path"/> into a memory file and attaches it read-only under <paramref name="alias"/>.</summary>
    /// <returns>The memory file (the caller keeps it open while the database is attached) and the manifest.</returns>
    public static async Task<(MemoryFile File, IReadOnlyDictionary<string, string> Manifest, IReadOnlyList<(string Table, long Rows)> Tables)> AttachAsync(
        DuckDBConnection main, IKeyManagementService kms, string path, string alias, CancellationToken cancellationToken)
    {
        var part = new DatasetPart(path, 0, PartProtection.Container, new FileInfo(path).Length);
        MemoryFile file = MemoryFile.Create("ppml-db");
        try
        {
            await PartReader.CopyPlaintextToAsync(kms, part, file.Handle, Environment.ProcessorCount, cancellationToken).ConfigureAwait(false);
            try
            {
                await DuckDb.ExecuteAsync(main, $"ATTACH {Sql.Literal(file.Path)} AS {Sql.Identifier(alias)} (READ_ONLY)", cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDBException exception)
            {
                throw new DatasetException($"Saved tables '{path}' are not a DuckDB database this version can read: {DuckDbErrors.Sanitize(exception.Message)}", path, line: null, exception);
            }

            var manifest = new Dictionary<string, string>(StringComparer.Ordinal);
            var tables = new List<(string, long)>();
            await Task.Run(
                () =>
                {
                    using DuckDBCommand command = main.CreateCommand();
                    command.CommandText = $"SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = {Sql.Literal(alias)} AND schema_name = 'main' ORDER BY table_name";
                    using (DuckDBDataReader reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            string name = reader.GetString(0);
                            if (name != ManifestTable)
                            {
                                tables.Add((name, Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
                            }
                        }
                    }

                    command.CommandText = $"SELECT key, value FROM {Sql.Identifier(alias)}.main.{ManifestTable}";
                    using DuckDBDataReader entries = command.ExecuteReader();
                    while (entries.Read())
                    {
                        manifest[entries.GetString(0)] = entries.GetString(1);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return (file, manifest, tables);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Builds the database in <paramref name="database"/>: <paramref name="fill"/>, then the manifest, then a checkpoint.</summary>
    private static async Task BuildAsync(
        MemoryFile database, Func<DuckDBConnection, CancellationToken, Task> fill, IReadOnlyDictionary<string, string> manifest, CancellationToken cancellationToken)
    {
        DirectoryInfo links = Directory.CreateTempSubdirectory($"ppml-db-{Environment.ProcessId}-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(links.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using MemoryFile log = MemoryFile.Create("ppml-db-wal");
        var builder = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await Task.Run(builder.Open, cancellationToken).ConfigureAwait(false);
            string linked = Path.Combine(links.FullName, DatabaseName);
            string directory = links.FullName + "/";
            foreach (string setting in (string[])["SET temp_directory = ''", "SET memory_limit = '2GB'", $"SET allowed_directories = ['/proc/self/fd/', {Sql.Literal(directory)}]", "SET enable_external_access = false", "SET lock_configuration = true"])
            {
                await DuckDb.ExecuteAsync(builder, setting, cancellationToken).ConfigureAwait(false);
            }

            // DuckDB does not start a database in an existing empty file: let it create an empty one (headers only, no
            // data) in the private directory, copy that into the memory file, and delete it.
            string template = Path.Combine(links.FullName, "empty.duckdb");
            await DuckDb.ExecuteAsync(builder, $"ATTACH {Sql.Literal(template)} AS __ppml_empty", cancellationToken).ConfigureAwait(false);
            await DuckDb.ExecuteAsync(builder, "DETACH __ppml_empty", cancellationToken).ConfigureAwait(false);
            RandomAccess.Write(database.Handle, await File.ReadAllBytesAsync(template, cancellationToken).ConfigureAwait(false), 0);
            File.Delete(template);
            File.Delete(template + ".wal");
            File.CreateSymbolicLink(linked, database.Path);
            File.CreateSymbolicLink(linked + ".wal", log.Path);

            await DuckDb.ExecuteAsync(builder, $"ATTACH {Sql.Literal(linked)} AS saved", cancellationToken).ConfigureAwait(false);
            await DuckDb.ExecuteAsync(builder, "USE saved", cancellationToken).ConfigureAwait(false);
            await fill(builder, cancellationToken).ConfigureAwait(false);

            await DuckDb.ExecuteAsync(builder, $"CREATE TABLE saved.main.{ManifestTable} (key VARCHAR, value VARCHAR)", cancellationToken).ConfigureAwait(false);
            foreach ((string key, string value) in manifest.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                await DuckDb.ExecuteAsync(builder, $"INSERT INTO saved.main.{ManifestTable} VALUES ({Sql.Literal(key)}, {Sql.Literal(value)})", cancellationToken).ConfigureAwait(false);
            }

            await DuckDb.ExecuteAsync(builder, "CHECKPOINT saved", cancellationToken).ConfigureAwait(false);
            await DuckDb.ExecuteAsync(builder, "USE memory", cancellationToken).ConfigureAwait(false);
            await DuckDb.ExecuteAsync(builder, "DETACH saved", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await builder.DisposeAsync().ConfigureAwait(false);
            EnsureOnlyLinks(links);
            links.Delete(recursive: true);
        }
    }

    /// <summary>The private directory must hold nothing but the links: a regular file there would be plaintext on disk.</summary>
    private static void EnsureOnlyLinks(DirectoryInfo links)
    {
        foreach (FileSystemInfo entry in links.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is null && entry.Name != "empty.duckdb" && entry.Name != "empty.duckdb.wal")
            {
                entry.Delete();
                throw new InvalidOperationException($"DuckDB wrote '{entry.Name}' beside the saved database; it was deleted and the save refused.");
            }
        }
    }
}
