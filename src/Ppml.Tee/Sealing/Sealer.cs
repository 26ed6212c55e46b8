using System.Security.Cryptography;
using Ppml.Crypto.Aead;

namespace Ppml.Tee.Sealing;

/// <summary>
/// Seals data to the TEE under the sealing key for a policy; only the same enclave (or signer) can unseal. New blobs
/// are <c>"PSEAL2" || policy(1) || 3 || salt(32) || ciphertext || tag(16)</c>: <see cref="DerivedKeyAead"/> under the
/// sealing key, domain <c>"ppml/tee/seal/v2"</c>, with the 7-byte header as associated data, so one sealing key seals
/// any number of blobs. <see cref="UnsealAsync"/> also opens <c>PSEAL1</c> blobs sealed before:
/// <c>"PSEAL1" || policy(1) || nonce(12) || AES-256-GCM ciphertext || tag(16)</c>, header authenticated.
/// </summary>
public static class Sealer
{
    private const string Domain = "ppml/tee/seal/v2";
    private const int HeaderLength = 7;

    private static ReadOnlySpan<byte> Magic => "PSEAL2"u8;

    private static ReadOnlySpan<byte> LegacyMagic => "PSEAL1"u8;

    /// <summary>Seals <paramref name="plaintext"/> (format <c>PSEAL2</c>).</summary>
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
            byte[] blob = new byte[HeaderLength + DerivedKeyAead.GetSealedLength(plaintext.Length)];
            Magic.CopyTo(blob);
            blob[Magic.Length] = (byte)policy;
            DerivedKeyAead.Seal(key, Domain, plaintext.Span, blob.AsSpan(0, HeaderLength), blob.AsSpan(HeaderLength));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Unseals a blob made by <see cref="SealAsync"/> (<c>PSEAL2</c>, or <c>PSEAL1</c> from earlier versions).</summary>
    /// <param name="keys">The TEE's sealing keys.</param>
    /// <param name="blob">The sealed blob.</param>
    /// <param name="cancellationToken">Cancels the key request.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="TeeException">The blob is malformed, or was sealed by another enclave or platform, or was modified.</exception>
    public static async Task<byte[]> UnsealAsync(ISealingKeySource keys, ReadOnlyMemory<byte> blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        bool isLegacy = blob.Span.StartsWith(LegacyMagic);
        if (blob.Length < HeaderLength || !(isLegacy || blob.Span.StartsWith(Magic)) || blob.Span[Magic.Length] > (byte)SealingPolicy.MrSigner)
        {
            throw new TeeException($"Sealed blob of {blob.Length} bytes is not a PSEAL2 or PSEAL1 blob; it is corrupted or not a sealed blob.");
        }

        var policy = (SealingPolicy)blob.Span[Magic.Length];
        byte[] key = await keys.GetKeyAsync(policy, cancellationToken).ConfigureAwait(false);
        try
        {
            ReadOnlySpan<byte> span = blob.Span;
            return isLegacy
                ? LegacyAesGcm.Open(key, span[HeaderLength..], span[..HeaderLength], "PSEAL1 blob")
                : DerivedKeyAead.Open(key, Domain, span[HeaderLength..], span[..HeaderLength]);
        }
        catch (AeadAuthenticationException exception)
        {
            throw new TeeException(
                $"The sealed {(isLegacy ? "PSEAL1" : "PSEAL2")} blob of {blob.Length} bytes does not unseal here ({policy} policy): " +
                "it was sealed by another enclave or platform, or modified, or truncated.",
                exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
