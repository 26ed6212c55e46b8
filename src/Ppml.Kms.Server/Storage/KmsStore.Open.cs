using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Ppml.Core.IO;
using Ppml.Crypto.Keys;

namespace Ppml.Kms.Server.Storage;

/// <summary>Opening, first-start initialization and loading.</summary>
internal sealed partial class KmsStore
{
    public const string SecretFileName = KmsServerFiles.SecretFileName;
    public const string AdminKeyFileName = KmsServerFiles.AdminKeyFileName;
    public const string AdminApplicationId = "admin";
    private const int MinimumSecretLength = 16;

    /// <summary>Opens (creating on first start) the store in <paramref name="directory"/>.</summary>
    public static async Task<(KmsStore Store, StoreOpenResult Result)> OpenAsync(
        string directory, string? secretFile, int kdfIterations, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        string fullDirectory = Path.GetFullPath(directory);
        SecretFiles.CreateDirectory(fullDirectory);

        FileStream lockFile = AcquireLock(fullDirectory);
        SqliteConnection? connection = null;
        try
        {
            string databasePath = Path.Combine(fullDirectory, DatabaseFileName);
            connection = OpenConnection(databasePath, readOnly: false);
            CreateSchema(connection);
            string secretPath = Path.GetFullPath(secretFile ?? Path.Combine(fullDirectory, SecretFileName));
            byte[]? sealedRoot = ReadMeta(connection, "root.sealed");
            StoreOpenResult result;
            RootKey root;
            if (sealedRoot is null)
            {
                (root, result) = await InitializeAsync(connection, fullDirectory, secretPath, kdfIterations, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                root = await OpenRootAsync(connection, secretPath, cancellationToken).ConfigureAwait(false);
                result = new StoreOpenResult(false, null, null);
            }

            var store = new KmsStore(databasePath, connection, lockFile, root, timeProvider, logger);
            store.Load();
            return (store, result);
        }
        catch
        {
            connection?.Dispose();
            await lockFile.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the operator secret file: at least 16 characters, one trailing line break dropped.</summary>
    public static async Task<string> ReadSecretAsync(string path, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = await PasswordFile.ReadAsync(path, null, "Operator secret file", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new KmsException(
                KmsErrorCode.WrongPassword,
                $"Operator secret file '{path}' cannot be read ({exception.Message}); restore it, or recover the root key with 'ppml kms root recover'.",
                exception);
        }

        if (secret.Length < MinimumSecretLength)
        {
            throw new KmsException(KmsErrorCode.WrongPassword, $"Operator secret file '{path}' holds {secret.Length} characters; at least {MinimumSecretLength} are required.");
        }

        return secret;
    }

    internal static SqliteConnection OpenConnection(string databasePath, bool readOnly)
    {
        if (System.IO.File.Exists(databasePath))
        {
            // The store holds the sealed root key and every wrapped key: the secret-file rule applies (SQLite gives its
            // journal files the database's mode).
            SecretFiles.Check(databasePath, SecretFileKind.Secret);
        }
        else if (!readOnly && !OperatingSystem.IsWindows())
        {
            // Created 0600 before SQLite opens it (SQLite would use the umask).
            using var created = new FileStream(databasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = SecretFiles.FileMode,
            });
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using SqliteCommand pragmas = connection.CreateCommand();

        // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit, so an acknowledged
        // change survives a crash or power loss (NORMAL could lose the last commits on power loss).
        pragmas.CommandText = readOnly
            ? "PRAGMA busy_timeout = 5000;"
            : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
        pragmas.ExecuteNonQuery();
        if (!readOnly)
        {
            using SqliteCommand check = connection.CreateCommand();
            check.CommandText = "PRAGMA journal_mode;";
            string mode = Convert.ToString(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store '{databasePath}' cannot use WAL journaling (got '{mode}'); put the store on a local file system.");
            }
        }

        return connection;
    }

    internal static byte[]? ReadMeta(SqliteConnection connection, string name, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM meta WHERE name = $n";
        command.Parameters.AddWithValue("$n", name);
        return command.ExecuteScalar() as byte[];
    }

    internal static void WriteMeta(SqliteConnection connection, SqliteTransaction transaction, string name, byte[] value)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (name, value) VALUES ($n, $v) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }

    internal static FileStream AcquireLock(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException exception)
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"KMS store '{directory}' is in use by another server or command ({LockFileName} is locked); stop it first.",
                exception);
        }
    }

    /// <summary>Opens the root key with the operator secret.</summary>
    internal static async Task<RootKey> OpenRootAsync(SqliteConnection connection, string secretPath, CancellationToken cancellationToken)
    {
        string format = Encoding.UTF8.GetString(ReadMeta(connection, "format") ?? []);
        if (format != StoreSchema.Format)
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store is of format '{format}'; this server reads '{StoreSchema.Format}'.");
        }

        byte[] sealedRoot = ReadMeta(connection, "root.sealed") ?? throw new KmsException(KmsErrorCode.StoreUnavailable, "KMS store has no root key.");
        byte[] salt = ReadMeta(connection, "root.salt") ?? throw new KmsException(KmsErrorCode.StoreUnavailable, "KMS store has no root.salt.");
        int iterations = BitConverter.ToInt32(ReadMeta(connection, "root.iterations") ?? new byte[4]);
        if (iterations <= 0 || iterations > 100_000_000)
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store has an invalid root.iterations ({iterations}).");
        }

        string secret = await ReadSecretAsync(secretPath, cancellationToken).ConfigureAwait(false);
        byte[] kek = RootKey.DeriveKeyEncryptionKey(secret, salt, iterations);
        try
        {
            return new RootKey(Crypto.Sealing.Open(kek, sealedRoot, RootKey.SealContext));
        }
        catch (CryptographicException exception)
        {
            throw new KmsException(
                KmsErrorCode.WrongPassword,
                $"Operator secret '{secretPath}' does not open this KMS store's root key (wrong secret, or the store is corrupted). Use 'ppml kms root recover' with the Shamir shares if the secret is lost.",
                exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>Seals <paramref name="root"/> under a key derived from <paramref name="secret"/> (inside <paramref name="transaction"/>).</summary>
    internal static void SealRoot(SqliteConnection connection, SqliteTransaction transaction, RootKey root, string secret, int iterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] kek = RootKey.DeriveKeyEncryptionKey(secret, salt, iterations);
        try
        {
            WriteMeta(connection, transaction, "root.salt", salt);
            WriteMeta(connection, transaction, "root.iterations", BitConverter.GetBytes(iterations));
            WriteMeta(connection, transaction, "root.sealed", Crypto.Sealing.Seal(kek, root.Bytes, RootKey.SealContext));
            WriteMeta(connection, transaction, "root.check", root.Check());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = StoreSchema.Create;
            command.ExecuteNonQuery();
        }

        // A store created by an earlier server lacks the newer columns; add them (NULL reads as the empty default).
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (SqliteCommand info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('keys')";
            using SqliteDataReader reader = info.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }

        foreach ((string column, string definition) in StoreSchema.AddedKeyColumns)
        {
            if (!existing.Contains(column))
            {
                using SqliteCommand alter = connection.CreateCommand();
                alter.CommandText = $"ALTER TABLE keys ADD COLUMN {column} {definition}";
                alter.ExecuteNonQuery();
            }
        }
    }

    private static async Task<(RootKey, StoreOpenResult)> InitializeAsync(
        SqliteConnection connection, string directory, string secretPath, int iterations, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        string? generatedSecret = null;
        if (!System.IO.File.Exists(secretPath))
        {
            string fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await SecretFiles.WriteAllBytesAsync(secretPath, Encoding.ASCII.GetBytes(fresh + "\n"), overwrite: false, cancellationToken)
                .ConfigureAwait(false);
            generatedSecret = secretPath;
        }

        string secret = await ReadSecretAsync(secretPath, cancellationToken).ConfigureAwait(false);
        RootKey root = RootKey.Generate();
        DateTimeOffset now = timeProvider.GetUtcNow();
        (ApplicationState admin, string adminKey) = NewApplication(AdminApplicationId, Roles.Admin, now);

        // The admin key file is written before the commit: a crash in between leaves an uninitialized store, and the
        // next start writes a new key over it. The other order could commit a key nobody holds.
        string adminKeyPath = Path.Combine(directory, AdminKeyFileName);
        await SecretFiles.WriteAllBytesAsync(adminKeyPath, Encoding.ASCII.GetBytes(adminKey + "\n"), overwrite: true, cancellationToken)
            .ConfigureAwait(false);

        using SqliteTransaction transaction = connection.BeginTransaction();
        WriteMeta(connection, transaction, "format", Encoding.UTF8.GetBytes(StoreSchema.Format));
        SealRoot(connection, transaction, root, secret, iterations);
        InsertApplication(transaction, admin);
        InsertSigningKey(connection, transaction, root, now);
        transaction.Commit();
        return (root, new StoreOpenResult(true, generatedSecret, adminKeyPath));
    }

    private static void InsertSigningKey(SqliteConnection connection, SqliteTransaction transaction, RootKey root, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string keyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 8));
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO signing_keys (kid, created_at, material) VALUES ($k, $at, $m)";
            command.Parameters.AddWithValue("$k", keyId);
            command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$m", root.SealSigningKey(keyId, pkcs8));
            command.ExecuteNonQuery();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private void Load()
    {
        var versions = new Dictionary<string, List<KeyVersionState>>(StringComparer.Ordinal);
        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = "SELECT name, version, created_at, material FROM key_versions ORDER BY name, version";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string name = reader.GetString(0);
                if (!versions.TryGetValue(name, out List<KeyVersionState>? list))
                {
                    versions[name] = list = [];
                }

                list.Add(new KeyVersionState(reader.GetInt32(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), (byte[])reader.GetValue(3)));
            }
        }

        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = $"SELECT {KeyColumns} FROM keys";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string name = reader.GetString(0);
                if (!versions.TryGetValue(name, out List<KeyVersionState>? list) || list.Count == 0)
                {
                    throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store key '{name}' has no versions; the store is corrupted.");
                }

                _keys[name] = KeyFromRow(reader, list);
            }
        }

        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = "SELECT id, role, key_id, secret_sha256, created_at FROM apps";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var application = new ApplicationState(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
                _applications[application.Id] = application;
                _applicationsByKeyId[application.KeyId] = application;
            }
        }

        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = "SELECT id, description, document, version, updated_at FROM policies";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var policy = new PolicyState(
                    reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt32(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
                _policies[policy.Id] = policy;
            }
        }

        var signingKeys = new List<SigningKeyState>();
        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = "SELECT kid, created_at, material FROM signing_keys ORDER BY created_at";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                signingKeys.Add(new SigningKeyState(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), (byte[])reader.GetValue(2)));
            }
        }

        SigningKeys = signingKeys;
        using (SqliteCommand command = _writer.CreateCommand())
        {
            command.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
            using SqliteDataReader reader = command.ExecuteReader();
            if (reader.Read())
            {
                _auditSequence = reader.GetInt64(0);
                _auditHead = (byte[])reader.GetValue(1);
            }
        }
    }
}
