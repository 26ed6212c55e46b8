using System.Buffers.Binary;
using System.Text;

namespace Ppml.Crypto.Aead;

/// <summary>
/// The one data-key wrap format of PPML's key management services (docs/formats/data-key-wrap-v3.md). A 256-bit data
/// key is wrapped under a primary key version with <see cref="DerivedKeyAead"/>:
/// <c>3 || salt(32) || ciphertext(32) || tag(16)</c> = 81 bytes, domain <c>"ppml/data-key-wrap/v3"</c>, associated data
/// <c>"ppml-kms-dk-v3" || 0x00 || UTF-8(key name) || 0x00 || int32_be(key version)</c>, so a wrapped key unwraps only
/// under the key name and version that wrapped it. <see cref="Unwrap"/> also reads the two earlier formats: 1 (the
/// file KMS) and 2 (the KMS server), both AES-256-GCM with a random nonce directly under the primary key.
/// </summary>
public static class DataKeyWrap
{
    /// <summary>The data key length in bytes.</summary>
    public const int DataKeySize = 32;

    /// <summary>The format byte <see cref="Wrap"/> writes.</summary>
    public const byte Format = DerivedKeyAead.Format;

    /// <summary>The length of a wrapped key of format <see cref="Format"/> (81).</summary>
    public const int WrappedSize = DerivedKeyAead.Overhead + DataKeySize;

    /// <summary>The format byte of the file KMS's wrapped keys before format 3 (read only).</summary>
    public const byte FileKmsLegacyFormat = 1;

    /// <summary>The format byte of the KMS server's wrapped keys before format 3 (read only).</summary>
    public const byte ServerLegacyFormat = 2;

    /// <summary>The length of a wrapped key of format 1 or 2: format, nonce(12), ciphertext(32), tag(16) (61).</summary>
    public const int LegacyWrappedSize = 1 + LegacyAesGcm.Overhead + DataKeySize;

    private const string Domain = "ppml/data-key-wrap/v3";

    /// <summary>Wraps <paramref name="dataKey"/> under a primary key version, in format <see cref="Format"/>.</summary>
    /// <param name="primaryKey">The primary key version's material (32 bytes).</param>
    /// <param name="keyName">The primary key's name, bound as associated data.</param>
    /// <param name="keyVersion">The primary key's version, bound as associated data.</param>
    /// <param name="dataKey">The 32-byte data key.</param>
    /// <returns>The wrapped key, <see cref="WrappedSize"/> bytes.</returns>
    /// <exception cref="ArgumentException">The primary key is shorter than 32 bytes, the name is empty, or the data key is not 32 bytes.</exception>
    public static byte[] Wrap(ReadOnlySpan<byte> primaryKey, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        if (dataKey.Length != DataKeySize)
        {
            throw new ArgumentException($"The data key is {dataKey.Length} bytes; expected {DataKeySize}.", nameof(dataKey));
        }

        return DerivedKeyAead.Seal(primaryKey, Domain, dataKey, AssociatedData(keyName, keyVersion));
    }

    /// <summary>
    /// Unwraps a data key of format 3, 2 or 1 (the format byte decides). Nothing is returned unless it authenticates
    /// under this primary key, key name and version.
    /// </summary>
    /// <param name="primaryKey">The primary key version's material (32 bytes).</param>
    /// <param name="keyName">The primary key's name it was wrapped under.</param>
    /// <param name="keyVersion">The primary key's version it was wrapped under.</param>
    /// <param name="wrapped">The wrapped key (untrusted).</param>
    /// <returns>The 32-byte data key.</returns>
    /// <exception cref="AeadAuthenticationException">
    /// The wrapped key has an unknown format byte or the wrong length for its format, or does not authenticate (it is
    /// corrupted, or was wrapped under another primary key, name or version). The message names the key and version.
    /// </exception>
    /// <exception cref="ArgumentException">The name is empty or the primary key has the wrong length.</exception>
    public static byte[] Unwrap(ReadOnlySpan<byte> primaryKey, string keyName, int keyVersion, ReadOnlySpan<byte> wrapped)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        int expectedLength = wrapped.IsEmpty ? -1 : wrapped[0] switch
        {
            Format => WrappedSize,
            ServerLegacyFormat or FileKmsLegacyFormat => LegacyWrappedSize,
            _ => -1,
        };
        if (wrapped.Length != expectedLength)
        {
            string found = wrapped.IsEmpty ? "empty" : $"{wrapped.Length} bytes of format {wrapped[0]}";
            throw new AeadAuthenticationException(
                $"The wrapped data key for key '{keyName}' version {keyVersion} is {found}; expected {WrappedSize} bytes of format {Format} " +
                $"(or {LegacyWrappedSize} bytes of format {ServerLegacyFormat} or {FileKmsLegacyFormat}). It is corrupted or from another KMS.");
        }

        try
        {
            return wrapped[0] switch
            {
                Format => DerivedKeyAead.Open(primaryKey, Domain, wrapped, AssociatedData(keyName, keyVersion)),
                ServerLegacyFormat => LegacyAesGcm.Open(primaryKey, wrapped[1..], ServerLegacyAssociatedData(keyName, keyVersion), keyName),
                _ => LegacyAesGcm.Open(primaryKey, wrapped[1..], FileKmsLegacyAssociatedData(keyName, keyVersion), keyName),
            };
        }
        catch (AeadAuthenticationException exception)
        {
            throw new AeadAuthenticationException(
                $"The wrapped data key (format {wrapped[0]}) does not unwrap under key '{keyName}' version {keyVersion}: " +
                "it is corrupted or was wrapped under another key or version.",
                exception);
        }
    }

    /// <summary>Format 3: <c>"ppml-kms-dk-v3" 0x00 name 0x00 int32_be(version)</c>.</summary>
    internal static byte[] AssociatedData(string keyName, int keyVersion) => NameAndVersion("ppml-kms-dk-v3\0"u8, keyName, separator: true, keyVersion);

    /// <summary>Format 2 (KMS server): <c>"ppml-kms-dk-v2" 0x00 name 0x00 int32_be(version)</c>.</summary>
    internal static byte[] ServerLegacyAssociatedData(string keyName, int keyVersion) => NameAndVersion("ppml-kms-dk-v2\0"u8, keyName, separator: true, keyVersion);

    /// <summary>Format 1 (file KMS): <c>"ppml-dk-v1" name int32_be(version)</c>, without separators, as shipped.</summary>
    internal static byte[] FileKmsLegacyAssociatedData(string keyName, int keyVersion) => NameAndVersion("ppml-dk-v1"u8, keyName, separator: false, keyVersion);

    private static byte[] NameAndVersion(ReadOnlySpan<byte> prefix, string keyName, bool separator, int keyVersion)
    {
        int nameLength = Encoding.UTF8.GetByteCount(keyName);
        int separatorLength = separator ? 1 : 0;
        byte[] data = new byte[prefix.Length + nameLength + separatorLength + sizeof(int)];
        prefix.CopyTo(data);
        Encoding.UTF8.GetBytes(keyName, data.AsSpan(prefix.Length, nameLength));

        // The separator byte after the name is already zero in the new array.
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(data.Length - sizeof(int)), keyVersion);
        return data;
    }
}
