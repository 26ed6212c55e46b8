using System.Security.Cryptography;

namespace Ppml.Tee.Sealing;

/// <summary>
/// Seals data to the TEE: <c>"PSEAL1" || policy(1) || nonce(12) || AES-256-GCM ciphertext || tag(16)</c> under the
/// sealing key for the policy; the header is authenticated. Only the same enclave (or signer) can unseal.
/// </summary>
public static class Sealer
{
    private static ReadOnlySpan<byte> Magic => "PSEAL1"u8;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Seals <paramref name="plaintext"/>.</summary>
    /// <param name="keys">The TEE's sealing keys.</param>
    /// <param name="policy">Which identity may unseal.</param>
    /// <param name="plaintext">The secret.</param>
    /// <param name="cancellationToken">Cancels the key request.</param>
    /// <returns>The sealed blob.</returns>
    public static async Task<byte[]> SealAsync(ISealingKeySource keys, SealingPolicy policy, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        byte[] key = await keys.GetKeyAsync(policy, cancellationToken).ConfigureAwait(false);
        try
        {
            int headerLength = Magic.Length + 1 + NonceSize;
            byte[] blob = new byte[headerLength + plaintext.Length + TagSize];
            Magic.CopyTo(blob);
            blob[Magic.Length] = (byte)policy;
            RandomNumberGenerator.Fill(blob.AsSpan(Magic.Length + 1, NonceSize));
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(
                blob.AsSpan(Magic.Length + 1, NonceSize),
                plaintext.Span,
                blob.AsSpan(headerLength, plaintext.Length),
                blob.AsSpan(headerLength + plaintext.Length),
                blob.AsSpan(0, Magic.Length + 1));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Unseals a blob made by <see cref="SealAsync"/>.</summary>
    /// <param name="keys">The TEE's sealing keys.</param>
    /// <param name="blob">The sealed blob.</param>
    /// <param name="cancellationToken">Cancels the key request.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="TeeException">The blob is malformed, or was sealed by another enclave or platform, or was modified.</exception>
    public static async Task<byte[]> UnsealAsync(ISealingKeySource keys, ReadOnlyMemory<byte> blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        int headerLength = Magic.Length + 1 + NonceSize;
        if (blob.Length < headerLength + TagSize || !blob.Span.StartsWith(Magic) || blob.Span[Magic.Length] > (byte)SealingPolicy.MrSigner)
        {
            throw new TeeException($"Sealed blob of {blob.Length} bytes is not a PSEAL1 blob.");
        }

        var policy = (SealingPolicy)blob.Span[Magic.Length];
        byte[] key = await keys.GetKeyAsync(policy, cancellationToken).ConfigureAwait(false);
        byte[] plaintext = new byte[blob.Length - headerLength - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            ReadOnlySpan<byte> span = blob.Span;
            aes.Decrypt(span.Slice(Magic.Length + 1, NonceSize), span[headerLength..^TagSize], span[^TagSize..], plaintext, span[..(Magic.Length + 1)]);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new TeeException($"The sealed blob does not unseal here ({policy} policy): it was sealed by another enclave or platform, or modified.", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
