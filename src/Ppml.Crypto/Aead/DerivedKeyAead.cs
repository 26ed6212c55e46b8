using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Ppml.Crypto.Aead;

/// <summary>
/// Authenticated encryption of short or long messages under one long-lived key, with no practical limit on the number
/// of messages: each message gets a fresh 256-bit random salt, a one-time AES-256-GCM key is derived with
/// HKDF-SHA256(ikm = the long-lived key, salt, info = the caller's domain), and that key encrypts exactly this one
/// message. Layout: <c>format(1) = 3 || salt(32) || ciphertext || tag(16)</c>; the associated data is bound as GCM
/// associated data and is not stored. See docs/formats/data-key-wrap-v3.md for the key schedule and its bound.
/// </summary>
/// <remarks>
/// This replaces AES-GCM with a random 96-bit nonce under the long-lived key, which NIST SP 800-38D §8.3 limits to
/// 2^32 messages per key. Here the only collision that matters is of two 256-bit salts: about n²/2^257 for n messages.
/// Opening authenticates before it releases anything; every refusal (truncated, unknown format byte, wrong key, wrong
/// domain or associated data, modified) is an <see cref="AeadAuthenticationException"/>.
/// </remarks>
public static class DerivedKeyAead
{
    /// <summary>The format byte this construction writes and the only one it reads.</summary>
    public const byte Format = 3;

    /// <summary>The minimum length in bytes of the long-lived key (256 bits).</summary>
    public const int MinimumKeySize = 32;

    /// <summary>The length in bytes of the per-message random salt.</summary>
    public const int SaltSize = 32;

    /// <summary>The length in bytes of the GCM tag.</summary>
    public const int TagSize = 16;

    /// <summary>The bytes a sealed value adds to its plaintext: format byte, salt and tag (49).</summary>
    public const int Overhead = HeaderSize + TagSize;

    private const int HeaderSize = 1 + SaltSize;
    private const int OneTimeKeySize = 32;
    private const int MaxStackDomain = 256;

    // GCM's 96-bit nonce, fixed at zero: see EncryptWithOneTimeKey for why that is safe here.
    private static ReadOnlySpan<byte> ZeroNonce => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The length of the sealed value of a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    /// <param name="plaintextLength">The plaintext length in bytes.</param>
    /// <returns><paramref name="plaintextLength"/> + <see cref="Overhead"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or the result would overflow.</exception>
    public static int GetSealedLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, int.MaxValue - Overhead);
        return plaintextLength + Overhead;
    }

    /// <summary>
    /// Whether <paramref name="sealedBytes"/> is shaped like a value of this construction (long enough, format byte
    /// <see cref="Format"/>). It says nothing about authenticity; readers of older formats use it to pick a reader.
    /// </summary>
    /// <param name="sealedBytes">The candidate sealed value.</param>
    /// <returns><see langword="true"/> when the length and the format byte match.</returns>
    public static bool HasFormat(ReadOnlySpan<byte> sealedBytes) => sealedBytes.Length >= Overhead && sealedBytes[0] == Format;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/>.</summary>
    /// <param name="key">The long-lived key, at least <see cref="MinimumKeySize"/> bytes.</param>
    /// <param name="domain">
    /// A fixed label naming the purpose (HKDF info), for example <c>"ppml/kms-server/seal/v3"</c>; a value sealed
    /// under one domain does not open under another.
    /// </param>
    /// <param name="plaintext">The message.</param>
    /// <param name="associatedData">Data authenticated with the message but not stored (may be empty).</param>
    /// <param name="destination">
    /// Receives <see cref="GetSealedLength"/> bytes; must not overlap <paramref name="plaintext"/>.
    /// </param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The key is too short, the domain is empty, or the destination is too small.</exception>
    public static int Seal(ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        return Seal(key, domain, salt, plaintext, associatedData, destination);
    }

    /// <summary>Seals <paramref name="plaintext"/> into a new array.</summary>
    /// <param name="key">The long-lived key, at least <see cref="MinimumKeySize"/> bytes.</param>
    /// <param name="domain">A fixed label naming the purpose (HKDF info).</param>
    /// <param name="plaintext">The message.</param>
    /// <param name="associatedData">Data authenticated with the message but not stored (may be empty).</param>
    /// <returns>The sealed value: <c>3 || salt(32) || ciphertext || tag(16)</c>.</returns>
    /// <exception cref="ArgumentException">The key is too short or the domain is empty.</exception>
    // Preferred over the byte[] overload so collection expressions and mixed arguments are not ambiguous.
    [OverloadResolutionPriority(1)]
    public static byte[] Seal(ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        byte[] sealedBytes = new byte[GetSealedLength(plaintext.Length)];
        Seal(key, domain, plaintext, associatedData, sealedBytes);
        return sealedBytes;
    }

    /// <summary>Seals <paramref name="plaintext"/> into a new array.</summary>
    /// <param name="key">The long-lived key, at least <see cref="MinimumKeySize"/> bytes.</param>
    /// <param name="domain">A fixed label naming the purpose (HKDF info).</param>
    /// <param name="plaintext">The message.</param>
    /// <param name="associatedData">Data authenticated with the message but not stored; <see langword="null"/> for none.</param>
    /// <returns>The sealed value: <c>3 || salt(32) || ciphertext || tag(16)</c>.</returns>
    /// <exception cref="ArgumentException">The key is too short or the domain is empty.</exception>
    public static byte[] Seal(byte[] key, string domain, byte[] plaintext, byte[]? associatedData = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(plaintext);
        return Seal(key.AsSpan(), domain, plaintext.AsSpan(), associatedData.AsSpan());
    }

    /// <summary>Authenticates <paramref name="sealedBytes"/> and, only if it authenticates, writes its plaintext.</summary>
    /// <param name="key">The long-lived key it was sealed under.</param>
    /// <param name="domain">The domain it was sealed under.</param>
    /// <param name="sealedBytes">The sealed value (untrusted).</param>
    /// <param name="associatedData">The associated data it was sealed with.</param>
    /// <param name="destination">
    /// Receives the plaintext (<paramref name="sealedBytes"/> length − <see cref="Overhead"/> bytes); all of it is zeroed
    /// when the value is refused. Must not overlap <paramref name="sealedBytes"/>.
    /// </param>
    /// <returns>The plaintext length.</returns>
    /// <exception cref="AeadAuthenticationException">
    /// The value is truncated, has an unknown format byte, or does not authenticate under this key, domain and
    /// associated data.
    /// </exception>
    /// <exception cref="ArgumentException">The key is too short, the domain is empty, or the destination is too small.</exception>
    public static int Open(ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        ValidateKeyAndDomain(key, domain);
        if (sealedBytes.Length < Overhead)
        {
            // Every refusal leaves the destination zeroed, whatever the caller put there before.
            CryptographicOperations.ZeroMemory(destination);
            throw new AeadAuthenticationException(
                $"Sealed value for '{domain}' is {sealedBytes.Length} bytes; format {Format} needs at least {Overhead}. It is truncated or not a sealed value.");
        }

        if (sealedBytes[0] != Format)
        {
            CryptographicOperations.ZeroMemory(destination);
            throw new AeadAuthenticationException(
                $"Sealed value for '{domain}' has format byte {sealedBytes[0]}; this reader knows format {Format}. It is corrupted or was written by another program.");
        }

        int plaintextLength = sealedBytes.Length - Overhead;
        if (destination.Length < plaintextLength)
        {
            throw new ArgumentException($"The destination is {destination.Length} bytes; the plaintext needs {plaintextLength}.", nameof(destination));
        }

        Span<byte> plaintext = destination[..plaintextLength];
        Span<byte> oneTimeKey = stackalloc byte[OneTimeKeySize];
        try
        {
            DeriveOneTimeKey(key, domain, sealedBytes.Slice(1, SaltSize), oneTimeKey);
            using var aes = new AesGcm(oneTimeKey, TagSize);
            aes.Decrypt(ZeroNonce, sealedBytes[HeaderSize..^TagSize], sealedBytes[^TagSize..], plaintext, associatedData);
            return plaintextLength;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            CryptographicOperations.ZeroMemory(destination);
            throw new AeadAuthenticationException(
                $"Sealed value for '{domain}' did not authenticate: it was modified, or sealed under another key, domain or associated data.",
                exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(oneTimeKey);
        }
    }

    /// <summary>Authenticates <paramref name="sealedBytes"/> and returns its plaintext.</summary>
    /// <param name="key">The long-lived key it was sealed under.</param>
    /// <param name="domain">The domain it was sealed under.</param>
    /// <param name="sealedBytes">The sealed value (untrusted).</param>
    /// <param name="associatedData">The associated data it was sealed with.</param>
    /// <returns>The plaintext; nothing is returned unless it authenticated.</returns>
    /// <exception cref="AeadAuthenticationException">The value is truncated, has an unknown format byte, or does not authenticate.</exception>
    /// <exception cref="ArgumentException">The key is too short or the domain is empty.</exception>
    // Preferred over the byte[] overload so collection expressions and mixed arguments are not ambiguous.
    [OverloadResolutionPriority(1)]
    public static byte[] Open(ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        byte[] plaintext = new byte[Math.Max(0, sealedBytes.Length - Overhead)];
        Open(key, domain, sealedBytes, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>Authenticates <paramref name="sealedBytes"/> and returns its plaintext.</summary>
    /// <param name="key">The long-lived key it was sealed under.</param>
    /// <param name="domain">The domain it was sealed under.</param>
    /// <param name="sealedBytes">The sealed value (untrusted).</param>
    /// <param name="associatedData">The associated data it was sealed with; <see langword="null"/> for none.</param>
    /// <returns>The plaintext; nothing is returned unless it authenticated.</returns>
    /// <exception cref="AeadAuthenticationException">The value is truncated, has an unknown format byte, or does not authenticate.</exception>
    /// <exception cref="ArgumentException">The key is too short or the domain is empty.</exception>
    public static byte[] Open(byte[] key, string domain, byte[] sealedBytes, byte[]? associatedData = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sealedBytes);
        return Open(key.AsSpan(), domain, sealedBytes.AsSpan(), associatedData.AsSpan());
    }

    /// <summary>Seals with a caller-given salt: for known-answer tests only; production salts come from the RNG.</summary>
    internal static int Seal(
        ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        ValidateKeyAndDomain(key, domain);
        int sealedLength = GetSealedLength(plaintext.Length);
        if (destination.Length < sealedLength)
        {
            throw new ArgumentException($"The destination is {destination.Length} bytes; the sealed value needs {sealedLength}.", nameof(destination));
        }

        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"The salt is {salt.Length} bytes; expected {SaltSize}.", nameof(salt));
        }

        destination[0] = Format;
        salt.CopyTo(destination[1..HeaderSize]);
        Span<byte> oneTimeKey = stackalloc byte[OneTimeKeySize];
        try
        {
            DeriveOneTimeKey(key, domain, salt, oneTimeKey);
            EncryptWithOneTimeKey(
                oneTimeKey,
                plaintext,
                associatedData,
                destination.Slice(HeaderSize, plaintext.Length),
                destination.Slice(HeaderSize + plaintext.Length, TagSize));
            return sealedLength;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(oneTimeKey);
        }
    }

    /// <summary>HKDF-SHA256 (RFC 5869) extract-then-expand: the key schedule, pinned by the RFC's test vectors.</summary>
    internal static void DeriveKey(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, output, salt, info);

    /// <summary>AES-256-GCM under a one-time key with the all-zero nonce, pinned by NIST/McGrew–Viega vectors.</summary>
    internal static void EncryptWithOneTimeKey(
        ReadOnlySpan<byte> oneTimeKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertext, Span<byte> tag)
    {
        // The fixed all-zero nonce is safe because GCM's requirement is that a (key, nonce) pair never encrypts two
        // messages, and each one-time key encrypts exactly one: it is HKDF-SHA256(long-lived key, fresh 256-bit random
        // salt, domain), so two messages share a key only if their salts collide (about n²/2^257 for n messages) or
        // HKDF, a PRF, collides on distinct salts (negligible). A random nonce as well would add 12 bytes and no
        // security: the salt already carries 256 bits of uniqueness, more than any 96-bit nonce could add.
        using var aes = new AesGcm(oneTimeKey, TagSize);
        aes.Encrypt(ZeroNonce, plaintext, ciphertext, tag, associatedData);
    }

    private static void DeriveOneTimeKey(ReadOnlySpan<byte> key, string domain, ReadOnlySpan<byte> salt, Span<byte> oneTimeKey)
    {
        int domainLength = Encoding.UTF8.GetByteCount(domain);
        Span<byte> info = domainLength <= MaxStackDomain ? stackalloc byte[domainLength] : new byte[domainLength];
        Encoding.UTF8.GetBytes(domain, info);
        DeriveKey(key, salt, info, oneTimeKey);
    }

    private static void ValidateKeyAndDomain(ReadOnlySpan<byte> key, string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (key.Length < MinimumKeySize)
        {
            throw new ArgumentException($"The key is {key.Length} bytes; this construction needs a key of at least {MinimumKeySize} bytes (256 bits).", nameof(key));
        }
    }
}
