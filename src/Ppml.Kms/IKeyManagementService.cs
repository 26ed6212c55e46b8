namespace Ppml.Kms;

/// <summary>
/// Envelope encryption's key service: primary keys never leave it; callers get fresh data keys (plaintext and
/// wrapped under a primary key version) and later unwrap them. Old versions keep unwrapping after a rotation.
/// </summary>
public interface IKeyManagementService : IDisposable
{
    /// <summary>A short description of where keys live, for messages (never a secret).</summary>
    string Description { get; }

    /// <summary>Creates primary key <paramref name="name"/> at version 1.</summary>
    /// <exception cref="KmsException">The name is invalid or already used.</exception>
    Task<PrimaryKeyInfo> CreateKeyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the primary keys, ordered by name.</summary>
    Task<IReadOnlyList<PrimaryKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a new version to <paramref name="name"/>; new data keys use it, old versions still unwrap.</summary>
    /// <exception cref="KmsException">The key does not exist.</exception>
    Task<PrimaryKeyInfo> RotateKeyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Generates a 256-bit data key wrapped under the current version of <paramref name="keyName"/>.</summary>
    /// <exception cref="KmsException">The key does not exist.</exception>
    Task<DataKey> GenerateDataKeyAsync(string keyName, CancellationToken cancellationToken = default);

    /// <summary>Unwraps <paramref name="wrappedKey"/>, which <paramref name="keyName"/> version <paramref name="keyVersion"/> wrapped.</summary>
    /// <returns>The plaintext data key; the caller zeroes it after use.</returns>
    /// <exception cref="KmsException">The key or version does not exist, or the wrapped key is corrupted or was wrapped by another key.</exception>
    Task<byte[]> UnwrapDataKeyAsync(string keyName, int keyVersion, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default);
}
