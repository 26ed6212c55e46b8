using System.Buffers;
using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// PPML container format v1: streaming authenticated encryption (AES-256-GCM segments) of files and streams
/// under a 32-byte data key, with an authenticated header naming the KMS key that wrapped the data key.
/// See docs/formats/ppml-container-v1.md for the byte layout and the security argument.
/// </summary>
/// <remarks>
/// Decryption releases a segment's plaintext only after that segment has authenticated; a stream decrypt can
/// therefore have written earlier, authentic segments before it throws. File decryption is atomic: on any
/// failure no output file (and no temporary file) remains.
/// </remarks>
public static partial class PpmlContainer
{
    /// <summary>The data key size in bytes (AES-256).</summary>
    public const int DataKeySize = 32;

    /// <summary>The longest key reference, in UTF-8 bytes.</summary>
    public const int MaxKeyReferenceLength = 1024;

    /// <summary>The longest wrapped data key, in bytes.</summary>
    public const int MaxWrappedDataKeyLength = 8192;

    /// <summary>The longest possible header; reading this many bytes is always enough for <see cref="ReadHeader"/>.</summary>
    public const int MaxHeaderLength = ContainerFormat.HeaderOverhead + MaxKeyReferenceLength + MaxWrappedDataKeyLength;

    /// <summary>Bytes each segment adds to its plaintext (the GCM tag).</summary>
    public const int SegmentOverhead = ContainerFormat.TagSize;

    /// <summary>
    /// Reads and parses the header from the current position of <paramref name="input"/>, leaving the stream
    /// at the first segment. The header is not yet authenticated: that needs the data key.
    /// </summary>
    /// <param name="input">The container stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="InvalidContainerException">Not a container, malformed, unsupported version, or truncated header.</exception>
    public static Task<ContainerHeader> ReadHeaderAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ContainerHeader.ReadAsync(input, path: null, cancellationToken);
    }

    /// <summary>
    /// Parses the header at the start of <paramref name="prefix"/> (which may be longer than the header;
    /// <see cref="MaxHeaderLength"/> bytes always suffice). Not authenticated.
    /// </summary>
    /// <param name="prefix">The first bytes of a container.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="InvalidContainerException">Too short, not a container, malformed or unsupported.</exception>
    public static ContainerHeader ReadHeader(ReadOnlySpan<byte> prefix) => ContainerHeader.Parse(prefix, path: null);

    /// <summary>Whether <paramref name="prefix"/> starts with the container magic (a cheap sniff, not a validation).</summary>
    /// <param name="prefix">The first bytes of a file (8 are enough).</param>
    /// <returns><see langword="true"/> when the magic matches.</returns>
    public static bool LooksLikeContainer(ReadOnlySpan<byte> prefix) =>
        prefix.Length >= ContainerFormat.Magic.Length && prefix.StartsWith(ContainerFormat.Magic);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (from its current position to its end) into a container written to
    /// <paramref name="output"/>. Memory use is about one segment.
    /// </summary>
    /// <param name="plaintext">The data to encrypt.</param>
    /// <param name="output">Receives the container.</param>
    /// <param name="dataKey">The 32-byte data key (the caller zeroes it).</param>
    /// <param name="keyInfo">The KMS key reference, version and wrapped data key to record in the header.</param>
    /// <param name="options">Segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels between segments.</param>
    /// <returns>A task that completes when the final segment has been written and the output flushed.</returns>
    public static Task EncryptAsync(
        Stream plaintext,
        Stream output,
        ReadOnlyMemory<byte> dataKey,
        ContainerKeyInfo keyInfo,
        ContainerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ContainerOptions();
        ContainerHeader header = CreateHeader(dataKey, keyInfo, options);
        return EncryptCoreAsync(plaintext, output, header, dataKey, progress: null, cancellationToken);
    }

    /// <summary>
    /// Authenticates and decrypts the container read from <paramref name="container"/> into
    /// <paramref name="plaintextOutput"/>, one segment at a time; each segment is written only after it has
    /// authenticated. On failure, earlier (authentic) segments may already have been written; use
    /// <see cref="DecryptFileAsync"/> for all-or-nothing output.
    /// </summary>
    /// <param name="container">The container, from its current position.</param>
    /// <param name="plaintextOutput">Receives the plaintext.</param>
    /// <param name="dataKey">The 32-byte data key.</param>
    /// <param name="cancellationToken">Cancels between segments.</param>
    /// <returns>A task that completes once the final segment has authenticated and been written.</returns>
    /// <exception cref="InvalidContainerException">The header is malformed.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, tampering, truncation, extension, reordering or splicing.</exception>
    public static async Task DecryptAsync(
        Stream container,
        Stream plaintextOutput,
        ReadOnlyMemory<byte> dataKey,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(plaintextOutput);
        ContainerKeys.CheckDataKey(dataKey.Span, nameof(dataKey));
        ContainerHeader header = await ContainerHeader.ReadAsync(container, path: null, cancellationToken).ConfigureAwait(false);
        using SegmentCipher cipher = SegmentCipher.Open(header, dataKey.Span, path: null);
        await DecryptBodyAsync(container, header, cipher, plaintextOutput, path: null, progress: null, cancellationToken).ConfigureAwait(false);
    }

    internal static ContainerHeader CreateHeader(ReadOnlyMemory<byte> dataKey, ContainerKeyInfo keyInfo, ContainerOptions options)
    {
        ContainerKeys.CheckDataKey(dataKey.Span, nameof(dataKey));
        options.Validate(nameof(options));
        RandomFill random = options.RandomSource ?? RandomNumberGenerator.Fill;
        return ContainerHeader.Create(keyInfo, options.SegmentSize, random, dataKey.Span);
    }

    internal static async Task EncryptCoreAsync(
        Stream plaintext,
        Stream output,
        ContainerHeader header,
        ReadOnlyMemory<byte> dataKey,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        using SegmentCipher cipher = SegmentCipher.Open(header, dataKey.Span, path: null);
        int segmentSize = header.SegmentSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(segmentSize + ContainerFormat.TagSize);

        // On failure the whole buffer is zeroed (a read may have stopped midway); on success only what was touched.
        int used = segmentSize + ContainerFormat.TagSize;
        int touched = 0;
        try
        {
            await output.WriteAsync(header.Bytes.ToArray(), cancellationToken).ConfigureAwait(false);
            long index = 0;
            long total = 0;
            bool hasLookahead = false;
            byte lookahead = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Read one byte past a full segment: only then is it known that the segment is not the last.
                int have = 0;
                if (hasLookahead)
                {
                    buffer[0] = lookahead;
                    have = 1;
                }

                int want = segmentSize + 1;
                have += await plaintext.ReadAtLeastAsync(buffer.AsMemory(have, want - have), want - have, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                bool isFinal = have < want;
                int length = isFinal ? have : segmentSize;
                hasLookahead = !isFinal;
                lookahead = buffer[segmentSize];
                if (!isFinal && index >= ContainerFormat.MaxSegmentCount - 1)
                {
                    throw new InvalidOperationException(
                        $"The plaintext exceeds the container limit of {ContainerFormat.MaxSegmentCount} segments of {segmentSize} bytes; use a larger segment size.");
                }

                touched = Math.Max(touched, Math.Max(have, length + ContainerFormat.TagSize));
                cipher.EncryptInPlace(index, isFinal, buffer, length);
                await output.WriteAsync(buffer.AsMemory(0, length + ContainerFormat.TagSize), cancellationToken).ConfigureAwait(false);
                total += length;
                progress?.Report(total);
                if (isFinal)
                {
                    break;
                }

                index++;
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            used = touched;
        }
        finally
        {
            // Only the prefix that ever held data can hold plaintext (pooled arrays are often larger).
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, used));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static async Task DecryptBodyAsync(
        Stream container,
        ContainerHeader header,
        SegmentCipher cipher,
        Stream plaintextOutput,
        string? path,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        // A container already in memory is decrypted straight from its buffer: the same checks, one copy fewer.
        if (container is MemoryStream memory && memory.TryGetBuffer(out ArraySegment<byte> source))
        {
            await DecryptInMemoryAsync(memory, source, header, cipher, plaintextOutput, path, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var decryptor = new SequentialSegmentDecryptor(container, cipher, header.SegmentSize, path);
        long total = 0;
        while (!decryptor.IsComplete)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlyMemory<byte> plaintext = await decryptor.NextAsync(cancellationToken).ConfigureAwait(false);
            await plaintextOutput.WriteAsync(plaintext, cancellationToken).ConfigureAwait(false);
            total += plaintext.Length;
            progress?.Report(total);
        }

        await plaintextOutput.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task DecryptInMemoryAsync(
        MemoryStream memory,
        ArraySegment<byte> source,
        ContainerHeader header,
        SegmentCipher cipher,
        Stream plaintextOutput,
        string? path,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        int stored = header.SegmentSize + ContainerFormat.TagSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(header.SegmentSize);
        int touched = 0;
        try
        {
            int position = checked((int)memory.Position);
            int end = checked((int)memory.Length);
            long index = 0;
            long total = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int remaining = end - position;
                bool isFinal = remaining <= stored;
                int take = isFinal ? remaining : stored;
                if (take < ContainerFormat.TagSize)
                {
                    throw SegmentCipher.Truncated(index, take, path);
                }

                if (isFinal && take == ContainerFormat.TagSize && index > 0)
                {
                    throw SegmentCipher.UnexpectedEmptyFinal(index, path);
                }

                if (!isFinal && index >= ContainerFormat.MaxSegmentCount - 1)
                {
                    throw SegmentCipher.TooManySegments(index + 1, path);
                }

                touched = Math.Max(touched, take - ContainerFormat.TagSize);
                int length = cipher.Decrypt(index, isFinal, source.AsSpan(position, take), buffer);
                position += take;
                memory.Position = position;
                await plaintextOutput.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                total += length;
                progress?.Report(total);
                index++;
                if (isFinal)
                {
                    break;
                }
            }

            await plaintextOutput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, touched));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
