using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Storage;

/// <summary>
/// The server's state in SQLite (<c>STORE/kms.db</c>, WAL, <c>synchronous=FULL</c>). Every change goes through one writer
/// that commits in groups (one transaction and one fsync for every change queued meanwhile) and completes a caller only
/// after its change and its audit record are durable; the in-memory view is updated after the commit, so nothing is
/// acknowledged or served before it would survive a crash. The one exception is the audit record of a read that creates
/// no state (<see cref="AuditReadAsync"/>): it joins the next group commit without the caller waiting, bounded by
/// <see cref="MaxPendingReadAudits"/>. One server owns a store at a time (<c>kms-server.lock</c>).
/// </summary>
internal sealed partial class KmsStore : IAsyncDisposable
{
    public const string DatabaseFileName = KmsServerFiles.DatabaseFileName;
    public const string LockFileName = "kms-server.lock";

    // A batch bounds how long one transaction holds the write lock; 512 keeps a commit under a few ms here.
    private const int MaxBatch = 512;

    // Read audit records answered before their commit (AuditReadAsync); beyond this many pending, reads wait for their
    // commit like writes do. It bounds what a crash can lose: the records of at most this many reads, acknowledged
    // within the last group commit or two (docs/kms.md, "Durability of audit records").
    internal const int MaxPendingReadAudits = 1024;

    private readonly string _databasePath;
    private readonly SqliteConnection _writer;
    private readonly FileStream _lock;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApplicationState> _applicationsByKeyId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApplicationState> _applications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PolicyState> _policies = new(StringComparer.Ordinal);
    private long _auditSequence;
    private int _pendingReadAudits;
    private byte[] _auditHead = AuditChain.Genesis;
    private int _disposed;

    private KmsStore(string databasePath, SqliteConnection writer, FileStream lockFile, RootKey root, TimeProvider timeProvider, ILogger logger)
    {
        _databasePath = databasePath;
        _writer = writer;
        _lock = lockFile;
        Root = root;
        _timeProvider = timeProvider;
        _logger = logger;
        _writerLoop = Task.Run(RunWriterAsync);
    }

    public RootKey Root { get; }

    public IReadOnlyList<SigningKeyState> SigningKeys { get; private set; } = [];

    public IEnumerable<KeyState> Keys => _keys.Values;

    public IEnumerable<ApplicationState> Applications => _applications.Values;

    public IEnumerable<PolicyState> Policies => _policies.Values;

    public long AuditCount => Interlocked.Read(ref _auditSequence);

    public bool TryGetKey(string name, out KeyState key) => _keys.TryGetValue(name, out key!);

    public bool TryGetApplicationByKeyId(string keyId, out ApplicationState application) => _applicationsByKeyId.TryGetValue(keyId, out application!);

    public bool TryGetPolicy(string id, out PolicyState policy) => _policies.TryGetValue(id, out policy!);

    /// <summary>Appends an audit record for an operation that changed nothing (a read, or a refusal); completes when it is durable.</summary>
    public Task AuditAsync(AuditEntry entry, string result) => EnqueueAsync(new WriteItem { Audit = entry, FixedResult = result });

    /// <summary>
    /// Appends the audit record of a successful read that creates no state (a data key generated or unwrapped with an API
    /// key) without waiting for its commit: the writer commits it with the next group, in order. At most
    /// <see cref="MaxPendingReadAudits"/> such records are pending; past that the caller waits for durability.
    /// </summary>
    public Task AuditReadAsync(AuditEntry entry, string result)
    {
        if (Interlocked.Increment(ref _pendingReadAudits) > MaxPendingReadAudits)
        {
            Interlocked.Decrement(ref _pendingReadAudits);
            return AuditAsync(entry, result);
        }

        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(new WriteItem { Audit = entry, FixedResult = result, IsDeferred = true }))
        {
            Interlocked.Decrement(ref _pendingReadAudits);
            throw new KmsException(KmsErrorCode.ServiceUnavailable, "The KMS store is shutting down; retry against the restarted server.");
        }

        return Task.CompletedTask;
    }

    /// <summary>Creates a primary key at version 1.</summary>
    public Task<KeyState> CreateKeyAsync(
        AuditEntry audit, string name, IReadOnlyList<string> allowedApplications, KeyReleasePolicy? releasePolicy, IReadOnlyList<string> producers, IReadOnlyList<string> readers) =>
        WriteAsync(
            audit,
            transaction =>
            {
                DateTimeOffset now = _timeProvider.GetUtcNow();
                if (_keys.ContainsKey(name) || Exists(transaction, "SELECT 1 FROM keys WHERE name = $p", name))
                {
                    throw new KmsException(KmsErrorCode.KeyExists, $"Key '{name}' already exists.");
                }

                Execute(
                    transaction,
                    "INSERT INTO keys (name, created_at, disabled_at, allowed_apps, release_policy, producers, readers) VALUES ($name, $at, NULL, $apps, $policy, $producers, $readers)",
                    ("$name", name),
                    ("$at", now.ToUnixTimeMilliseconds()),
                    ("$apps", JsonSerializer.Serialize(allowedApplications, StoreJsonContext.Default.IReadOnlyListString)),
                    ("$policy", releasePolicy is null ? DBNull.Value : JsonSerializer.Serialize(releasePolicy, KmsWireJsonContext.Default.KeyReleasePolicy)),
                    ("$producers", JsonSerializer.Serialize(producers, StoreJsonContext.Default.IReadOnlyListString)),
                    ("$readers", JsonSerializer.Serialize(readers, StoreJsonContext.Default.IReadOnlyListString)));
                KeyVersionState version = InsertVersion(transaction, name, 1, now);
                return new KeyState(name, now, null, allowedApplications, releasePolicy, [version], producers, readers);
            },
            key => _keys[key.Name] = key);

    /// <summary>Adds the next version to a key.</summary>
    public Task<KeyState> RotateKeyAsync(AuditEntry audit, string name) =>
        WriteAsync(
            audit,
            transaction =>
            {
                KeyState key = ReadKey(transaction, name);
                if (key.DisabledAt is not null)
                {
                    throw new KmsException(KmsErrorCode.KeyDisabled, $"Key '{name}' is disabled; a disabled key is not rotated.");
                }

                KeyVersionState version = InsertVersion(transaction, name, key.Current.Version + 1, _timeProvider.GetUtcNow());
                return key with { Versions = [.. key.Versions, version] };
            },
            key => _keys[key.Name] = key);

    /// <summary>Replaces a key's producers and/or readers (a <see langword="null"/> list stays as it is).</summary>
    public Task<KeyState> SetKeyAccessAsync(AuditEntry audit, string name, IReadOnlyList<string>? producers, IReadOnlyList<string>? readers) =>
        WriteAsync(
            audit,
            transaction =>
            {
                KeyState key = ReadKey(transaction, name);
                KeyState updated = key with { Producers = producers ?? key.Producers, Readers = readers ?? key.Readers };
                Execute(
                    transaction,
                    "UPDATE keys SET producers = $producers, readers = $readers WHERE name = $name",
                    ("$producers", JsonSerializer.Serialize(updated.Producers, StoreJsonContext.Default.IReadOnlyListString)),
                    ("$readers", JsonSerializer.Serialize(updated.Readers, StoreJsonContext.Default.IReadOnlyListString)),
                    ("$name", name));
                return updated;
            },
            key => _keys[key.Name] = key);

    /// <summary>Disables a key (idempotent).</summary>
    public Task<KeyState> DisableKeyAsync(AuditEntry audit, string name) =>
        WriteAsync(
            audit,
            transaction =>
            {
                KeyState key = ReadKey(transaction, name);
                if (key.DisabledAt is not null)
                {
                    return key;
                }

                DateTimeOffset now = _timeProvider.GetUtcNow();
                Execute(transaction, "UPDATE keys SET disabled_at = $at WHERE name = $name", ("$at", now.ToUnixTimeMilliseconds()), ("$name", name));
                return key with { DisabledAt = now };
            },
            key => _keys[key.Name] = key);

    /// <summary>Registers an application with a fresh API key; returns the key (its only appearance).</summary>
    public Task<(ApplicationState Application, string ApiKey)> CreateApplicationAsync(AuditEntry audit, string id, string role) =>
        WriteAsync<(ApplicationState Application, string ApiKey)>(
            audit,
            transaction =>
            {
                if (_applications.ContainsKey(id) || Exists(transaction, "SELECT 1 FROM apps WHERE id = $p", id))
                {
                    throw new KmsException(KmsErrorCode.KeyExists, $"Application '{id}' already exists.");
                }

                (ApplicationState application, string apiKey) = NewApplication(id, role, _timeProvider.GetUtcNow());
                InsertApplication(transaction, application);
                return (application, apiKey);
            },
            created =>
            {
                _applications[created.Application.Id] = created.Application;
                _applicationsByKeyId[created.Application.KeyId] = created.Application;
            });

    /// <summary>Creates or replaces an attestation policy.</summary>
    public Task<PolicyState> SetPolicyAsync(AuditEntry audit, string id, string? description, string document) =>
        WriteAsync(
            audit,
            transaction =>
            {
                int version = 1;
                using (SqliteCommand select = Command(transaction, "SELECT version FROM policies WHERE id = $p", ("$p", id)))
                {
                    if (select.ExecuteScalar() is long current)
                    {
                        version = checked((int)current + 1);
                    }
                }

                DateTimeOffset now = _timeProvider.GetUtcNow();
                Execute(
                    transaction,
                    "INSERT INTO policies (id, description, document, version, updated_at) VALUES ($id, $d, $doc, $v, $at) " +
                    "ON CONFLICT(id) DO UPDATE SET description = excluded.description, document = excluded.document, version = excluded.version, updated_at = excluded.updated_at",
                    ("$id", id),
                    ("$d", (object?)description ?? DBNull.Value),
                    ("$doc", document),
                    ("$v", version),
                    ("$at", now.ToUnixTimeMilliseconds()));
                return new PolicyState(id, description, document, version, now);
            },
            policy => _policies[policy.Id] = policy);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _writer.Dispose();
        SqliteConnection.ClearPool(_writer);
        Root.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    internal static (ApplicationState Application, string ApiKey) NewApplication(string id, string role, DateTimeOffset now)
    {
        (string keyId, byte[] secret, string apiKey) = Security.ApiKeys.Generate();
        byte[] hash = SHA256.HashData(secret);
        CryptographicOperations.ZeroMemory(secret);
        return (new ApplicationState(id, role, keyId, hash, now), apiKey);
    }

    private KeyVersionState InsertVersion(SqliteTransaction transaction, string name, int version, DateTimeOffset now)
    {
        byte[] material = RandomNumberGenerator.GetBytes(Crypto.Sealing.KeySize);
        try
        {
            byte[] sealedMaterial = Root.SealKeyVersion(name, version, material);
            Execute(
                transaction,
                "INSERT INTO key_versions (name, version, created_at, material) VALUES ($name, $v, $at, $m)",
                ("$name", name),
                ("$v", version),
                ("$at", now.ToUnixTimeMilliseconds()),
                ("$m", sealedMaterial));
            return new KeyVersionState(version, now, sealedMaterial);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private static void InsertApplication(SqliteTransaction transaction, ApplicationState application)
    {
        Execute(
            transaction,
            "INSERT INTO apps (id, role, key_id, secret_sha256, created_at) VALUES ($id, $role, $kid, $h, $at)",
            ("$id", application.Id),
            ("$role", application.Role),
            ("$kid", application.KeyId),
            ("$h", application.SecretSha256),
            ("$at", application.CreatedAt.ToUnixTimeMilliseconds()));
    }

    private static KeyState ReadKey(SqliteTransaction transaction, string name)
    {
        KeyState? key = null;
        using (SqliteCommand command = Command(transaction, $"SELECT {KeyColumns} FROM keys WHERE name = $p", ("$p", name)))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                key = KeyFromRow(reader, []);
            }
        }

        if (key is null)
        {
            throw new KmsException(KmsErrorCode.KeyNotFound, $"Key '{name}' does not exist.");
        }

        return key with { Versions = ReadVersions(transaction.Connection!, transaction, name) };
    }

    private static List<KeyVersionState> ReadVersions(SqliteConnection connection, SqliteTransaction? transaction, string name)
    {
        var versions = new List<KeyVersionState>();
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, created_at, material FROM key_versions WHERE name = $p ORDER BY version";
        command.Parameters.AddWithValue("$p", name);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            versions.Add(new KeyVersionState(reader.GetInt32(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), (byte[])reader.GetValue(2)));
        }

        return versions;
    }

    /// <summary>The columns <see cref="KeyFromRow"/> reads, in its order.</summary>
    private const string KeyColumns = "name, created_at, disabled_at, allowed_apps, release_policy, producers, readers";

    private static KeyState KeyFromRow(SqliteDataReader reader, IReadOnlyList<KeyVersionState> versions) => new(
        reader.GetString(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        JsonSerializer.Deserialize(reader.GetString(3), StoreJsonContext.Default.IReadOnlyListString) ?? [],
        reader.IsDBNull(4) ? null : JsonSerializer.Deserialize(reader.GetString(4), KmsWireJsonContext.Default.KeyReleasePolicy),
        versions,
        ApplicationList(reader, 5),
        ApplicationList(reader, 6));

    // NULL in a store from before the column existed: nobody but admins.
    private static IReadOnlyList<string> ApplicationList(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize(reader.GetString(ordinal), StoreJsonContext.Default.IReadOnlyListString) ?? [];

    private static bool Exists(SqliteTransaction transaction, string sql, string parameter)
    {
        using SqliteCommand command = Command(transaction, sql, ("$p", parameter));
        return command.ExecuteScalar() is not null;
    }

    private static void Execute(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
