using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// The per-file AES-256-GCM state: the derived segment key, the nonce prefix and the associated data
/// (SHA-256 of the complete header). One instance serves one container; it is not thread-safe.
/// </summary>
internal sealed class SegmentCipher : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _noncePrefix;
    private readonly byte[] _associatedData;
    private readonly string? _path;

    private SegmentCipher(AesGcm aes, byte[] noncePrefix, byte[] associatedData, string? path)
    {
        _aes = aes;
        _noncePrefix = noncePrefix;
        _associatedData = associatedData;
        _path = path;
    }

    /// <summary>
    /// Derives the keys from <paramref name="dataKey"/> and the header's salt, checks the header tag, and
    /// returns the segment cipher.
    /// </summary>
    /// <exception cref="ContainerAuthenticationException">The header tag does not verify (wrong key or modified header).</exception>
    public static SegmentCipher Open(ContainerHeader header, ReadOnlySpan<byte> dataKey, string? path)
    {
        Span<byte> segmentKey = stackalloc byte[ContainerFormat.KeySize];
        Span<byte> headerKey = stackalloc byte[ContainerFormat.KeySize];
        Span<byte> expectedTag = stackalloc byte[ContainerFormat.HeaderTagSize];
        try
        {
            ContainerKeys.Derive(dataKey, header.Salt, segmentKey, headerKey);
            HMACSHA256.HashData(headerKey, header.AuthenticatedBytes, expectedTag);
            if (!CryptographicOperations.FixedTimeEquals(expectedTag, header.Tag))
            {
                throw new ContainerAuthenticationException(
                    $"The header of {Describe(path)} failed authentication: the data key is wrong (check the key reference " +
                    $"'{header.KeyReference}' version {header.KeyVersion}), or the header was modified.",
                    segmentIndex: null,
                    path);
            }

            byte[] associatedData = SHA256.HashData(header.Bytes);
            return new SegmentCipher(new AesGcm(segmentKey, ContainerFormat.TagSize), header.NoncePrefix.ToArray(), associatedData, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(segmentKey);
            CryptographicOperations.ZeroMemory(headerKey);
        }
    }

    /// <summary>
    /// Encrypts the first <paramref name="plaintextLength"/> bytes of <paramref name="segment"/> in place and
    /// writes the tag right after them; the segment then occupies <paramref name="plaintextLength"/> + 16 bytes.
    /// </summary>
    public void EncryptInPlace(long index, bool isFinal, Span<byte> segment, int plaintextLength)
    {
        Span<byte> nonce = stackalloc byte[ContainerFormat.NonceSize];
        ContainerFormat.WriteNonce(nonce, _noncePrefix, index, isFinal);
        Span<byte> text = segment[..plaintextLength];
        _aes.Encrypt(nonce, text, text, segment.Slice(plaintextLength, ContainerFormat.TagSize), _associatedData);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="destination"/> (ciphertext then tag).</summary>
    public void Encrypt(long index, bool isFinal, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        Span<byte> nonce = stackalloc byte[ContainerFormat.NonceSize];
        ContainerFormat.WriteNonce(nonce, _noncePrefix, index, isFinal);
        _aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, ContainerFormat.TagSize), _associatedData);
    }

    /// <summary>
    /// Authenticates and decrypts one segment (ciphertext followed by its tag) into <paramref name="plaintext"/>,
    /// which may be the same memory as the ciphertext. On failure the plaintext is zeroed before the throw.
    /// </summary>
    /// <returns>The number of plaintext bytes.</returns>
    /// <exception cref="ContainerAuthenticationException">The segment does not authenticate at this index and finality.</exception>
    public int Decrypt(long index, bool isFinal, ReadOnlySpan<byte> segment, Span<byte> plaintext)
    {
        int length = segment.Length - ContainerFormat.TagSize;
        if (index >= ContainerFormat.MaxSegmentCount)
        {
            throw TooManySegments(index, _path);
        }

        if (length < 0)
        {
            throw Truncated(index, segment.Length, _path);
        }

        Span<byte> nonce = stackalloc byte[ContainerFormat.NonceSize];
        ContainerFormat.WriteNonce(nonce, _noncePrefix, index, isFinal);
        Span<byte> output = plaintext[..length];
        try
        {
            _aes.Decrypt(nonce, segment[..length], segment[length..], output, _associatedData);
        }
        catch (CryptographicException exception)
        {
            // AesGcm already clears its output on a tag mismatch; zeroing here keeps the guarantee explicit.
            CryptographicOperations.ZeroMemory(output);
            throw new ContainerAuthenticationException(
                $"Segment {index} of {Describe(path: _path)} failed authentication as {(isFinal ? "the final" : "a non-final")} segment: " +
                "the data key is wrong, or the container was modified, truncated, extended, reordered or spliced.",
                index,
                _path,
                exception);
        }

        return length;
    }

    public void Dispose() => _aes.Dispose();

    internal static ContainerAuthenticationException Truncated(long index, long available, string? path) =>
        new(
            $"Segment {index} of {Describe(path)} is truncated: {available} bytes remain where a segment needs at least " +
            $"{ContainerFormat.TagSize} (its tag). The container was cut short.",
            index,
            path);

    internal static ContainerAuthenticationException UnexpectedEmptyFinal(long index, string? path) =>
        new(
            $"Segment {index} of {Describe(path)} is an empty final segment after other segments, which no writer produces: " +
            "the container was truncated or extended.",
            index,
            path);

    internal static ContainerAuthenticationException TooManySegments(long index, string? path) =>
        new(
            $"Segment {index} of {Describe(path)} is beyond the format limit of {ContainerFormat.MaxSegmentCount} segments: bytes were appended.",
            index,
            path);

    private static string Describe(string? path) => path is null ? "the container" : $"'{path}'";
}
