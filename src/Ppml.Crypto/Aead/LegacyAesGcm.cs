using System.Security.Cryptography;

namespace Ppml.Crypto.Aead;

/// <summary>
/// Reads what PPML sealed before <see cref="DerivedKeyAead"/>: AES-256-GCM directly under the long-lived key with a
/// random 96-bit nonce, laid out <c>nonce(12) || ciphertext || tag(16)</c> (the KMS server's and the file KMS's sealed
/// values, the inner part of data-key wrap formats 1 and 2, and of <c>PSEAL1</c> blobs). There is deliberately no
/// <c>Seal</c>: random 96-bit nonces under one key are limited to 2^32 messages (NIST SP 800-38D §8.3), so nothing new
/// is written this way; this type exists so old values keep opening.
/// </summary>
public static class LegacyAesGcm
{
    /// <summary>The key length in bytes (AES-256).</summary>
    public const int KeySize = 32;

    /// <summary>The nonce length in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>The tag length in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>The bytes a legacy sealed value adds to its plaintext: nonce and tag (28).</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Authenticates a legacy <c>nonce(12) || ciphertext || tag(16)</c> value and returns its plaintext.</summary>
    /// <param name="key">The 32-byte key it was sealed under.</param>
    /// <param name="sealedBytes">The sealed value (untrusted).</param>
    /// <param name="associatedData">The associated data it was sealed with.</param>
    /// <param name="description">What the value is, for the error message (for example a key name); never a secret.</param>
    /// <returns>The plaintext; nothing is returned unless it authenticated.</returns>
    /// <exception cref="AeadAuthenticationException">The value is shorter than <see cref="Overhead"/> or does not authenticate.</exception>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key is {key.Length} bytes; legacy AES-256-GCM values need a {KeySize}-byte key.", nameof(key));
        }

        if (sealedBytes.Length < Overhead)
        {
            throw new AeadAuthenticationException(
                $"Legacy sealed value for '{description}' is {sealedBytes.Length} bytes; at least {Overhead} are needed. It is truncated or not a sealed value.");
        }

        byte[] plaintext = new byte[sealedBytes.Length - Overhead];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[NonceSize..^TagSize], sealedBytes[^TagSize..], plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AeadAuthenticationException(
                $"Legacy sealed value for '{description}' did not authenticate: it was modified, or sealed under another key or associated data.",
                exception);
        }
    }
}
