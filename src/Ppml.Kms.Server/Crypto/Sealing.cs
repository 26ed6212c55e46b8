using System.Security.Cryptography;
using System.Text;

namespace Ppml.Kms.Server.Crypto;

/// <summary>AES-256-GCM sealing of secrets at rest: nonce (12) || ciphertext || tag (16), bound to a context string.</summary>
internal static class Sealing
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string context)
    {
        byte[] sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        Span<byte> nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(context));
        return sealedBytes;
    }

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> when it does not authenticate.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, string context)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"The sealed value is {sealedBytes.Length} bytes; at least {NonceSize + TagSize} are needed.");
        }

        byte[] plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[NonceSize..^TagSize], sealedBytes[^TagSize..], plaintext, Encoding.UTF8.GetBytes(context));
            return plaintext;
        }
        catch (CryptographicException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }
}
