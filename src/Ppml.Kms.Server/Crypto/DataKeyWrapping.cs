using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ppml.Kms.Server.Crypto;

/// <summary>
/// Wraps 256-bit data keys under a primary key version: format byte 2 || nonce (12) || AES-256-GCM ciphertext (32) || tag
/// (16), with associated data "ppml-kms-dk-v2" || 0 || key name || 0 || version (big endian), so a wrapped key unwraps
/// only under the key name and version that wrapped it.
/// </summary>
internal static class DataKeyWrapping
{
    public const int DataKeySize = 32;
    public const byte Format = 2;
    public const int WrappedSize = 1 + NonceSize + DataKeySize + TagSize;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Wrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey)
    {
        byte[] wrapped = new byte[WrappedSize];
        wrapped[0] = Format;
        RandomNumberGenerator.Fill(wrapped.AsSpan(1, NonceSize));
        using var aes = new AesGcm(primary, TagSize);
        aes.Encrypt(wrapped.AsSpan(1, NonceSize), dataKey, wrapped.AsSpan(1 + NonceSize, DataKeySize), wrapped.AsSpan(1 + NonceSize + DataKeySize), AssociatedData(keyName, keyVersion));
        return wrapped;
    }

    /// <summary>Unwraps; throws <see cref="KmsException"/> (<see cref="KmsErrorCode.UnwrapFailed"/>) for anything that does not authenticate.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != WrappedSize || wrapped[0] != Format)
        {
            throw new KmsException(
                KmsErrorCode.UnwrapFailed,
                $"Field 'wrappedKey' is {wrapped.Length} bytes{(wrapped.Length > 0 ? $" of format {wrapped[0]}" : string.Empty)}; key '{keyName}' expects {WrappedSize} bytes of format {Format}. It is corrupted or from another KMS.");
        }

        byte[] dataKey = new byte[DataKeySize];
        try
        {
            using var aes = new AesGcm(primary, TagSize);
            aes.Decrypt(wrapped.Slice(1, NonceSize), wrapped.Slice(1 + NonceSize, DataKeySize), wrapped.Slice(1 + NonceSize + DataKeySize), dataKey, AssociatedData(keyName, keyVersion));
            return dataKey;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new KmsException(
                KmsErrorCode.UnwrapFailed,
                $"Field 'wrappedKey' does not unwrap under key '{keyName}' version {keyVersion}: it is corrupted or was wrapped by another key or version.",
                exception);
        }
    }

    private static byte[] AssociatedData(string keyName, int keyVersion)
    {
        byte[] name = Encoding.UTF8.GetBytes(keyName);
        byte[] data = new byte[15 + name.Length + 1 + 4];
        "ppml-kms-dk-v2\0"u8.CopyTo(data);
        name.CopyTo(data, 15);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(data.Length - 4), keyVersion);
        return data;
    }
}
