using System.Security.Cryptography;
using System.Text;
using Ppml.Kms.Server.Crypto;

namespace Ppml.Kms.Server.Storage;

/// <summary>
/// The server's root key (256 bits): every primary key version and token-signing key is sealed under it. At rest it is
/// sealed under a key-encryption key derived from the operator secret (PBKDF2-SHA256); <see cref="Check"/> lets a
/// recovered root key (Shamir) be recognised without the secret.
/// </summary>
internal sealed class RootKey : IDisposable
{
    public const string SealContext = "ppml-kms-root-v1";
    private readonly byte[] _key;

    public RootKey(byte[] key)
    {
        if (key.Length != Sealing.KeySize)
        {
            throw new ArgumentException($"The root key is {key.Length} bytes; expected {Sealing.KeySize}.", nameof(key));
        }

        _key = key;
    }

    public ReadOnlySpan<byte> Bytes => _key;

    public static RootKey Generate() => new(RandomNumberGenerator.GetBytes(Sealing.KeySize));

    /// <summary>HMAC-SHA256(root, "ppml-kms-root-check-v1"): identifies the root key without revealing it.</summary>
    public static byte[] ComputeCheck(ReadOnlySpan<byte> root) => HMACSHA256.HashData(root, Encoding.ASCII.GetBytes("ppml-kms-root-check-v1"));

    public static byte[] DeriveKeyEncryptionKey(string secret, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, Sealing.KeySize);

    public byte[] Check() => ComputeCheck(_key);

    public byte[] SealKeyVersion(string keyName, int version, ReadOnlySpan<byte> material) =>
        Sealing.Seal(_key, material, VersionContext(keyName, version));

    /// <summary>Opens a primary key version; a failure means the store was tampered with.</summary>
    public byte[] OpenKeyVersion(string keyName, int version, ReadOnlySpan<byte> sealedMaterial)
    {
        try
        {
            return Sealing.Open(_key, sealedMaterial, VersionContext(keyName, version));
        }
        catch (CryptographicException exception)
        {
            throw new KmsException(
                KmsErrorCode.StoreUnavailable,
                $"Key '{keyName}' version {version} failed authentication under the root key: the store was tampered with or corrupted.",
                exception);
        }
    }

    public byte[] SealSigningKey(string keyId, ReadOnlySpan<byte> pkcs8) => Sealing.Seal(_key, pkcs8, "ppml-kms-signing-key\0" + keyId);

    public byte[] OpenSigningKey(string keyId, ReadOnlySpan<byte> sealedMaterial) => Sealing.Open(_key, sealedMaterial, "ppml-kms-signing-key\0" + keyId);

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static string VersionContext(string keyName, int version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ppml-kms-key\0{keyName}\0{version}");
}
