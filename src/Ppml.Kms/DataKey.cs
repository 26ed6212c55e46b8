using System.Security.Cryptography;

namespace Ppml.Kms;

/// <summary>A fresh data key: its plaintext (zeroed on dispose) and its wrapped form for storage beside the data.</summary>
public sealed class DataKey : IDisposable
{
    private readonly byte[] _plaintext;
    private bool _disposed;

    /// <summary>Creates a data key; takes ownership of <paramref name="plaintext"/>.</summary>
    /// <param name="keyName">The primary key that wrapped it.</param>
    /// <param name="keyVersion">The primary key's version.</param>
    /// <param name="plaintext">The key bytes.</param>
    /// <param name="wrappedKey">The wrapped key.</param>
    public DataKey(string keyName, int keyVersion, byte[] plaintext, byte[] wrappedKey)
    {
        KeyName = keyName;
        KeyVersion = keyVersion;
        _plaintext = plaintext;
        WrappedKey = wrappedKey;
    }

    /// <summary>The primary key that wrapped this data key.</summary>
    public string KeyName { get; }

    /// <summary>The version of the primary key.</summary>
    public int KeyVersion { get; }

    /// <summary>The wrapped key, safe to store.</summary>
    public ReadOnlyMemory<byte> WrappedKey { get; }

    /// <summary>The plaintext key; valid until disposed.</summary>
    public ReadOnlyMemory<byte> Plaintext
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _plaintext;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_plaintext);
            _disposed = true;
        }
    }
}
