using System.Security.Cryptography;
using System.Text;
using Ppml.Crypto.Aead;

namespace Ppml.Kms.Server.Crypto;

/// <summary>
/// Sealing of secrets at rest (root key, primary key versions, token-signing keys), bound to a context string.
/// New values are <see cref="DerivedKeyAead"/> format 3: <c>3 || salt(32) || ciphertext || tag(16)</c>, with domain
/// <c>"ppml/kms-server/seal/v3"</c> and the UTF-8 context as associated data, so one long-lived key seals any number of
/// values (docs/formats/data-key-wrap-v3.md). Values sealed before (AES-256-GCM with a random nonce directly under the
/// key: <c>nonce(12) || ciphertext || tag(16)</c>, no format byte) still open.
/// </summary>
internal static class Sealing
{
    public const int KeySize = 32;
    private const string Domain = "ppml/kms-server/seal/v3";

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string context) =>
        DerivedKeyAead.Seal(key, Domain, plaintext, Encoding.UTF8.GetBytes(context));

    /// <summary>
    /// Opens a sealed value of either layout; throws <see cref="AeadAuthenticationException"/> (a
    /// <see cref="CryptographicException"/>) when it does not authenticate.
    /// </summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, string context)
    {
        byte[] associatedData = Encoding.UTF8.GetBytes(context);
        string description = context.Replace('\0', '/');
        if (!DerivedKeyAead.HasFormat(sealedBytes))
        {
            return LegacyAesGcm.Open(key, sealedBytes, associatedData, description);
        }

        try
        {
            return DerivedKeyAead.Open(key, Domain, sealedBytes, associatedData);
        }
        catch (AeadAuthenticationException) when (sealedBytes.Length >= LegacyAesGcm.Overhead)
        {
            // The legacy layout has no format byte: its first byte is the first byte of a random nonce, 3 for one legacy
            // value in 256. Such a value fails as format 3 and is read as legacy. Trying both stays safe: each is a full
            // AEAD verification (under the derived key, then under the long-lived key), so a forgery must break GCM.
            try
            {
                return LegacyAesGcm.Open(key, sealedBytes, associatedData, description);
            }
            catch (AeadAuthenticationException exception)
            {
                throw new AeadAuthenticationException(
                    $"Sealed value for '{description}' did not authenticate as format {DerivedKeyAead.Format} nor as a legacy value: " +
                    "it was modified, or sealed under another key or context.",
                    exception);
            }
        }
    }
}
