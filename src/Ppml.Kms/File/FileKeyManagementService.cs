using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Core.IO;
using Ppml.Crypto.Aead;

namespace Ppml.Kms.File;

/// <summary>
/// The embedded KMS (<c>file:PATH</c>): primary keys in <c>PATH/kms.json</c>, each version sealed with
/// <see cref="DerivedKeyAead"/> (a one-time AES-256-GCM key per value) under a store key derived from the workspace
/// password with PBKDF2-SHA256 (at least 600,000 iterations); data keys are wrapped with <see cref="DataKeyWrap"/>
/// (format 3). Stores and wrapped keys written before (format 1) still open. No key is ever written in plaintext.
/// Updates take an exclusive lock file, re-read the store, check its revision and replace the file atomically, so a
/// crash leaves either the old or the new store and concurrent writers never lose updates.
/// </summary>
public sealed class FileKeyManagementService : IKeyManagementService
{
    /// <summary>The store file name inside the store directory.</summary>
    public const string StoreFileName = "kms.json";

    /// <summary>The minimum PBKDF2 iteration count for stores (OWASP 2023 for PBKDF2-HMAC-SHA256).</summary>
    public const int MinimumIterations = 600_000;

    private const string LockFileName = "kms.lock";
    private const int KeySize = 32;
    private const string SealDomain = "ppml/kms-file/seal/v3";
    private static readonly byte[] s_checkPlaintext = Encoding.ASCII.GetBytes("ppml-kms-store-check-v1");

    private readonly string _directory;
    private readonly byte[] _storeKey;
    private readonly TimeProvider _timeProvider;
    private bool _disposed;

    private FileKeyManagementService(string directory, byte[] storeKey, TimeProvider timeProvider)
    {
        _directory = directory;
        _storeKey = storeKey;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public string Description => $"file:{_directory}";

    private string StorePath => Path.Combine(_directory, StoreFileName);

    /// <summary>Whether <paramref name="directory"/> holds a store.</summary>
    /// <param name="directory">The store directory.</param>
    /// <returns><see langword="true"/> when <c>kms.json</c> exists there.</returns>
    public static bool Exists(string directory) => System.IO.File.Exists(Path.Combine(directory, StoreFileName));

    /// <summary>Creates an empty store in <paramref name="directory"/>.</summary>
    /// <param name="directory">The store directory; created when missing.</param>
    /// <param name="password">The password the store key is derived from.</param>
    /// <param name="timeProvider">The clock for key timestamps; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The open store.</returns>
    public static Task<FileKeyManagementService> CreateAsync(
        string directory, string password, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        CreateAsync(directory, password, MinimumIterations, timeProvider, cancellationToken);

    /// <summary>Opens the store in <paramref name="directory"/>.</summary>
    /// <param name="directory">The store directory.</param>
    /// <param name="password">The store's password.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="KmsException">The store is missing or corrupted, or the password is wrong.</exception>
    public static async Task<FileKeyManagementService> OpenAsync(
        string directory, string password, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(password);
        string fullDirectory = Path.GetFullPath(directory);
        FileKeyStoreDocument document = await ReadDocumentAsync(fullDirectory, cancellationToken).ConfigureAwait(false);
        byte[] storeKey = DeriveStoreKey(password, document.Kdf, Path.Combine(fullDirectory, StoreFileName));
        try
        {
            byte[] check = Open(storeKey, Decode(document.Check, "check"), Encoding.ASCII.GetBytes("check"), s_checkPlaintext.Length, "check");
            bool matches = CryptographicOperations.FixedTimeEquals(check, s_checkPlaintext);
            if (!matches)
            {
                throw new CryptographicException();
            }
        }
        catch (CryptographicException exception)
        {
            CryptographicOperations.ZeroMemory(storeKey);
            throw new KmsException(
                KmsErrorCode.WrongPassword,
                $"The password does not open KMS store '{Path.Combine(fullDirectory, StoreFileName)}' (wrong password, or the store is corrupted).",
                exception);
        }

        return new FileKeyManagementService(fullDirectory, storeKey, timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public async Task<PrimaryKeyInfo> CreateKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        KeyNames.Validate(name);
        PrimaryKeyInfo? created = null;
        await UpdateAsync(
            document =>
            {
                if (document.Keys.Exists(k => k.Name == name))
                {
                    throw new KmsException(KmsErrorCode.KeyExists, $"Key '{name}' already exists in {Description}.");
                }

                DateTimeOffset now = _timeProvider.GetUtcNow();
                var key = new PrimaryKeyDocument { Name = name, CreatedAt = now, Versions = [NewVersion(name, 1, now)] };
                document.Keys.Add(key);
                created = ToInfo(key);
            },
            cancellationToken).ConfigureAwait(false);
        return created!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PrimaryKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FileKeyStoreDocument document = await ReadDocumentAsync(_directory, cancellationToken).ConfigureAwait(false);
        return [.. document.Keys.Select(ToInfo).OrderBy(k => k.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<PrimaryKeyInfo> RotateKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        PrimaryKeyInfo? rotated = null;
        await UpdateAsync(
            document =>
            {
                PrimaryKeyDocument key = Find(document, name);
                int next = key.Versions.Max(v => v.Version) + 1;
                key.Versions.Add(NewVersion(name, next, _timeProvider.GetUtcNow()));
                rotated = ToInfo(key);
            },
            cancellationToken).ConfigureAwait(false);
        return rotated!;
    }

    /// <inheritdoc />
    public async Task<DataKey> GenerateDataKeyAsync(string keyName, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FileKeyStoreDocument document = await ReadDocumentAsync(_directory, cancellationToken).ConfigureAwait(false);
        PrimaryKeyDocument key = Find(document, keyName);
        KeyVersionDocument version = key.Versions.MaxBy(v => v.Version)!;
        byte[] primary = OpenVersion(keyName, version);
        byte[] dataKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            byte[] wrapped = Wrap(primary, keyName, version.Version, dataKey);
            return new DataKey(keyName, version.Version, dataKey, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> UnwrapDataKeyAsync(
        string keyName, int keyVersion, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FileKeyStoreDocument document = await ReadDocumentAsync(_directory, cancellationToken).ConfigureAwait(false);
        PrimaryKeyDocument key = Find(document, keyName);
        KeyVersionDocument version = key.Versions.Find(v => v.Version == keyVersion)
            ?? throw new KmsException(KmsErrorCode.KeyNotFound, $"Key '{keyName}' has no version {keyVersion} in {Description}.");
        byte[] primary = OpenVersion(keyName, version);
        try
        {
            return Unwrap(primary, keyName, keyVersion, wrappedKey.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_storeKey);
            _disposed = true;
        }
    }

    internal static async Task<FileKeyManagementService> CreateAsync(
        string directory, string password, int iterations, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        string fullDirectory = Path.GetFullPath(directory);
        if (Exists(fullDirectory))
        {
            throw new KmsException(KmsErrorCode.KeyExists, $"A KMS store already exists in '{fullDirectory}'.");
        }

        var kdf = new KdfDocument
        {
            Algorithm = "PBKDF2-SHA256",
            Iterations = iterations,
            Salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
        };
        byte[] storeKey = DeriveStoreKey(password, kdf, Path.Combine(fullDirectory, StoreFileName));
        var document = new FileKeyStoreDocument
        {
            Format = FileKeyStoreDocument.CurrentFormat,
            Revision = 1,
            Kdf = kdf,
            Check = Convert.ToBase64String(Seal(storeKey, s_checkPlaintext, Encoding.ASCII.GetBytes("check"))),
            Keys = [],
        };
        SecretFiles.CreateDirectory(fullDirectory);
        await WriteDocumentAsync(fullDirectory, document, overwrite: false, cancellationToken).ConfigureAwait(false);
        return new FileKeyManagementService(fullDirectory, storeKey, timeProvider ?? TimeProvider.System);
    }

    internal static byte[] Wrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey) =>
        DataKeyWrap.Wrap(primary, keyName, keyVersion, dataKey);

    /// <summary>Unwraps format 3 or format 1 (written before); anything that does not authenticate is <see cref="KmsErrorCode.UnwrapFailed"/>.</summary>
    internal static byte[] Unwrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> wrapped)
    {
        try
        {
            return DataKeyWrap.Unwrap(primary, keyName, keyVersion, wrapped);
        }
        catch (AeadAuthenticationException exception)
        {
            throw new KmsException(KmsErrorCode.UnwrapFailed, exception.Message, exception);
        }
    }

    private static byte[] VersionAssociatedData(string keyName, int version) =>
        Encoding.UTF8.GetBytes($"ppml-kms-key\0{keyName}\0{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    private static byte[] DeriveStoreKey(string password, KdfDocument kdf, string storePath)
    {
        if (kdf.Algorithm != "PBKDF2-SHA256" || kdf.Iterations <= 0 || kdf.Iterations > 100_000_000)
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"KMS store '{storePath}' uses an unsupported key derivation ({kdf.Algorithm}, {kdf.Iterations} iterations).");
        }

        byte[] salt = Decode(kdf.Salt, "kdf.salt");
        return Rfc2898DeriveBytes.Pbkdf2(password, salt, kdf.Iterations, HashAlgorithmName.SHA256, KeySize);
    }

    private static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        DerivedKeyAead.Seal(key, SealDomain, plaintext, associatedData);

    /// <summary>
    /// Opens a sealed value whose plaintext is <paramref name="plaintextLength"/> bytes. The two layouts have different
    /// lengths for the same plaintext, so the length decides: format 3 (<see cref="DerivedKeyAead"/>, 49 bytes of
    /// overhead) or the layout written before it (<c>nonce(12) || ciphertext || tag(16)</c>, 28 bytes of overhead).
    /// Throws a <see cref="CryptographicException"/> (<see cref="AeadAuthenticationException"/>) when it does not authenticate.
    /// </summary>
    private static byte[] Open(byte[] key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData, int plaintextLength, string description) =>
        sealedBytes.Length == plaintextLength + LegacyAesGcm.Overhead
            ? LegacyAesGcm.Open(key, sealedBytes, associatedData, description)
            : DerivedKeyAead.Open(key, SealDomain, sealedBytes, associatedData);

    private static byte[] Decode(string base64, string field)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException exception)
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store field '{field}' is not valid base64; the store is corrupted.", exception);
        }
    }

    private static PrimaryKeyInfo ToInfo(PrimaryKeyDocument key)
    {
        KeyVersionDocument current = key.Versions.MaxBy(v => v.Version)!;
        return new PrimaryKeyInfo(key.Name, current.Version, key.CreatedAt, current.CreatedAt);
    }

    private static async Task<FileKeyStoreDocument> ReadDocumentAsync(string directory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, StoreFileName);
        byte[] bytes;
        try
        {
            bytes = await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"No KMS store at '{path}'; run 'ppml init' or pass --kms file:PATH of an existing store.",
                exception);
        }

        FileKeyStoreDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, FileKeyStoreJsonContext.Default.FileKeyStoreDocument);
        }
        catch (JsonException exception)
        {
            throw new KmsException(KmsErrorCode.StoreUnavailable, $"KMS store '{path}' is not valid JSON: {exception.Message}", exception);
        }

        if (document is null || (document.Format != FileKeyStoreDocument.CurrentFormat && document.Format != FileKeyStoreDocument.LegacyFormat))
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"'{path}' is not a KMS store of format {FileKeyStoreDocument.CurrentFormat} or {FileKeyStoreDocument.LegacyFormat} (found '{document?.Format}'); " +
                "it is corrupted, or was written by a newer version of ppml.");
        }

        return document;
    }

    private static async Task WriteDocumentAsync(string directory, FileKeyStoreDocument document, bool overwrite, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, FileKeyStoreJsonContext.Default.FileKeyStoreDocument);
        await SecretFiles.WriteAllBytesAsync(Path.Combine(directory, StoreFileName), json, overwrite, cancellationToken)
            .ConfigureAwait(false);
    }

    private PrimaryKeyDocument Find(FileKeyStoreDocument document, string name) =>
        document.Keys.Find(k => k.Name == name)
        ?? throw new KmsException(KmsErrorCode.KeyNotFound, $"Key '{name}' does not exist in {Description}; create it with 'ppml kms key create {name}'.");

    private KeyVersionDocument NewVersion(string name, int version, DateTimeOffset now)
    {
        byte[] material = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            return new KeyVersionDocument
            {
                Version = version,
                CreatedAt = now,
                Material = Convert.ToBase64String(Seal(_storeKey, material, VersionAssociatedData(name, version))),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private byte[] OpenVersion(string name, KeyVersionDocument version)
    {
        try
        {
            string field = $"keys[{name}].versions[{version.Version}]";
            return Open(_storeKey, Decode(version.Material, field), VersionAssociatedData(name, version.Version), KeySize, field);
        }
        catch (CryptographicException exception)
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"Key '{name}' version {version.Version} in {Description} failed authentication: the store was tampered with or corrupted.",
                exception);
        }
    }

    private async Task UpdateAsync(Action<FileKeyStoreDocument> change, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FileStream lockFile = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        await using (lockFile.ConfigureAwait(false))
        {
            FileKeyStoreDocument document = await ReadDocumentAsync(_directory, cancellationToken).ConfigureAwait(false);
            long expected = document.Revision;
            change(document);

            // Under the lock nobody else writes, but a writer that ignores the lock is caught here rather than overwritten.
            FileKeyStoreDocument current = await ReadDocumentAsync(_directory, cancellationToken).ConfigureAwait(false);
            if (current.Revision != expected)
            {
                throw new KmsException(KmsErrorCode.Conflict, $"{Description} changed during the update (revision {expected} -> {current.Revision}); retry.");
            }

            // A v1 store becomes v2 at its first update: the values written now are format 3, which v1 readers cannot open.
            document.Format = FileKeyStoreDocument.CurrentFormat;
            document.Revision = expected + 1;
            await WriteDocumentAsync(_directory, document, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        string path = Path.Combine(_directory, LockFileName);
        TimeSpan delay = TimeSpan.FromMilliseconds(5);
        long deadline = _timeProvider.GetTimestamp() + (_timeProvider.TimestampFrequency * 30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (_timeProvider.GetTimestamp() < deadline)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
            }
        }
    }
}
