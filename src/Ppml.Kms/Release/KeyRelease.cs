using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ppml.Kms.Release;

/// <summary>
/// Secure key release encryption: ECDH-ES on P-256 between a fresh KMS key and the TEE's runtime key, HKDF-SHA256
/// (salt = SHA-256(ephemeral SPKI || recipient SPKI), info = "ppml-kms-release-v1" || key name || version) to a
/// 256-bit key, AES-256-GCM over the data key with associated data naming the key and version. The KMS seals; the
/// TEE opens with its private key.
/// </summary>
public static class KeyRelease
{
    /// <summary>The algorithm identifier carried in <see cref="ReleasedDataKey.Algorithm"/>.</summary>
    public const string Algorithm = "ECDH-ES-P256+HKDF-SHA256+A256GCM";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int MaxDataKeySize = 64;
    private static readonly byte[] s_label = Encoding.ASCII.GetBytes("ppml-kms-release-v1");

    /// <summary>Encrypts <paramref name="dataKey"/> to <paramref name="recipient"/>.</summary>
    /// <param name="recipient">The TEE's runtime key (bound in its attestation token).</param>
    /// <param name="dataKey">The plaintext data key.</param>
    /// <param name="keyName">The primary key that wrapped it (authenticated).</param>
    /// <param name="keyVersion">The primary key version (authenticated).</param>
    /// <returns>The released key.</returns>
    public static ReleasedDataKey Seal(RuntimeKey recipient, ReadOnlySpan<byte> dataKey, string keyName, int keyVersion)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        using ECDiffieHellman ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using ECDiffieHellman recipientKey = recipient.Import();
        byte[] ephemeralSpki = ephemeral.ExportSubjectPublicKeyInfo();
        byte[] shared = ephemeral.DeriveRawSecretAgreement(recipientKey.PublicKey);
        byte[] key = DeriveKey(shared, ephemeralSpki, recipient.SubjectPublicKeyInfo.Span, keyName, keyVersion);
        try
        {
            byte[] nonce = RandomNumberGenerator.GetBytes(NonceSize);
            byte[] ciphertext = new byte[dataKey.Length + TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, dataKey, ciphertext.AsSpan(0, dataKey.Length), ciphertext.AsSpan(dataKey.Length), AssociatedData(keyName, keyVersion));
            return new ReleasedDataKey { Algorithm = Algorithm, EphemeralPublicKey = ephemeralSpki, Nonce = nonce, Ciphertext = ciphertext };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Decrypts a released data key with the TEE's private key.</summary>
    /// <param name="privateKey">The runtime key's private part.</param>
    /// <param name="released">What the KMS returned.</param>
    /// <param name="keyName">The primary key name the data key is expected under.</param>
    /// <param name="keyVersion">The primary key version.</param>
    /// <returns>The plaintext data key; the caller zeroes it after use.</returns>
    /// <exception cref="KmsException">The released key is malformed, for another key or recipient, or was tampered with (<see cref="KmsErrorCode.UnwrapFailed"/>).</exception>
    public static byte[] Open(ECDiffieHellman privateKey, ReleasedDataKey released, string keyName, int keyVersion)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(released);
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        if (released.Algorithm != Algorithm)
        {
            throw Failed($"its algorithm is '{released.Algorithm}', expected '{Algorithm}'");
        }

        if (released.Nonce is not { Length: NonceSize })
        {
            throw Failed($"its nonce is {released.Nonce?.Length ?? 0} bytes, expected {NonceSize}");
        }

        if (released.Ciphertext is null || released.Ciphertext.Length < TagSize || released.Ciphertext.Length > TagSize + MaxDataKeySize)
        {
            throw Failed($"its ciphertext is {released.Ciphertext?.Length ?? 0} bytes, expected {TagSize + 1} to {TagSize + MaxDataKeySize}");
        }

        RuntimeKey recipient = RuntimeKey.FromKey(privateKey);
        byte[] shared;
        try
        {
            using var ephemeral = ECDiffieHellman.Create();
            ephemeral.ImportSubjectPublicKeyInfo(released.EphemeralPublicKey ?? [], out _);
            shared = privateKey.DeriveRawSecretAgreement(ephemeral.PublicKey);
        }
        catch (CryptographicException exception)
        {
            throw Failed("its ephemeral public key is not a P-256 key", exception);
        }

        byte[] key = DeriveKey(shared, released.EphemeralPublicKey!, recipient.SubjectPublicKeyInfo.Span, keyName, keyVersion);
        int length = released.Ciphertext.Length - TagSize;
        byte[] dataKey = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(released.Nonce, released.Ciphertext.AsSpan(0, length), released.Ciphertext.AsSpan(length), dataKey, AssociatedData(keyName, keyVersion));
            return dataKey;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw Failed($"it does not authenticate for this runtime key and key '{keyName}' version {keyVersion}", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(byte[] shared, ReadOnlySpan<byte> ephemeralSpki, ReadOnlySpan<byte> recipientSpki, string keyName, int keyVersion)
    {
        byte[] transcript = new byte[ephemeralSpki.Length + recipientSpki.Length];
        ephemeralSpki.CopyTo(transcript);
        recipientSpki.CopyTo(transcript.AsSpan(ephemeralSpki.Length));
        byte[] salt = SHA256.HashData(transcript);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, AssociatedData(keyName, keyVersion));
    }

    private static byte[] AssociatedData(string keyName, int keyVersion)
    {
        byte[] name = Encoding.UTF8.GetBytes(keyName);
        byte[] data = new byte[s_label.Length + 1 + name.Length + 1 + 4];
        s_label.CopyTo(data, 0);
        name.CopyTo(data, s_label.Length + 1);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(data.Length - 4), keyVersion);
        return data;
    }

    private static KmsException Failed(string why, Exception? inner = null) =>
        new(KmsErrorCode.UnwrapFailed, $"The released data key cannot be opened: {why}.", inner);
}
