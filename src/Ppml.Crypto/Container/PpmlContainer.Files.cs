using System.Security.Cryptography;
using Ppml.Core.IO;

namespace Ppml.Crypto.Container;

public static partial class PpmlContainer
{
    private const int FileBufferSize = 0;

    /// <summary>
    /// Encrypts the file <paramref name="inputPath"/> into a container at <paramref name="outputPath"/>,
    /// atomically: the container is written to a temporary file beside the target, flushed to disk and renamed,
    /// so a failure or cancellation leaves no output.
    /// </summary>
    /// <param name="inputPath">The plaintext file.</param>
    /// <param name="outputPath">The container file to create.</param>
    /// <param name="dataKey">The 32-byte data key (the caller zeroes it).</param>
    /// <param name="keyInfo">The KMS key reference, version and wrapped data key to record in the header.</param>
    /// <param name="options">Segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="overwrite">Whether an existing <paramref name="outputPath"/> may be replaced.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes encrypted, once per segment.</param>
    /// <param name="cancellationToken">Cancels between segments; no output remains.</param>
    /// <returns>A task that completes when the container file is in place.</returns>
    /// <exception cref="IOException"><paramref name="outputPath"/> exists and <paramref name="overwrite"/> is false.</exception>
    public static async Task EncryptFileAsync(
        string inputPath,
        string outputPath,
        ReadOnlyMemory<byte> dataKey,
        ContainerKeyInfo keyInfo,
        ContainerOptions? options = null,
        bool overwrite = false,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new ContainerOptions();
        ContainerHeader header = CreateHeader(dataKey, keyInfo, options);
        ThrowIfExists(outputPath, overwrite);

        var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (input.ConfigureAwait(false))
        {
            await AtomicFile.WriteAsync(
                outputPath,
                (output, token) => EncryptCoreAsync(input, output, header, dataKey, progress, token),
                overwrite,
                mode: null,
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Decrypts the container file <paramref name="inputPath"/> into <paramref name="outputPath"/>, atomically:
    /// the plaintext goes to a temporary file (owner-only permissions) that is renamed into place only after the
    /// final segment has authenticated. On any failure — malformed header, wrong key, tampering, truncation,
    /// cancellation — no output file and no temporary file remain.
    /// </summary>
    /// <param name="inputPath">The container file.</param>
    /// <param name="outputPath">The plaintext file to create.</param>
    /// <param name="unwrapDataKey">
    /// Called once with the parsed (not yet authenticated) header to obtain the 32-byte data key, typically by
    /// asking the KMS named by <see cref="ContainerHeader.KeyReference"/> to unwrap
    /// <see cref="ContainerHeader.WrappedDataKey"/>. The returned array is zeroed after use.
    /// </param>
    /// <param name="overwrite">Whether an existing <paramref name="outputPath"/> may be replaced.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes authenticated, once per segment.</param>
    /// <param name="cancellationToken">Cancels between segments; no output remains.</param>
    /// <returns>A task that completes when the plaintext file is in place.</returns>
    /// <exception cref="InvalidContainerException">The input is not a container or its header is malformed; the message names the file.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, tampering, truncation, extension, reordering or splicing; the message names the file and segment.</exception>
    /// <exception cref="IOException"><paramref name="outputPath"/> exists and <paramref name="overwrite"/> is false.</exception>
    public static async Task DecryptFileAsync(
        string inputPath,
        string outputPath,
        Func<ContainerHeader, CancellationToken, ValueTask<byte[]>> unwrapDataKey,
        bool overwrite = false,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(unwrapDataKey);
        ThrowIfExists(outputPath, overwrite);

        var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (input.ConfigureAwait(false))
        {
            ContainerHeader header = await ContainerHeader.ReadAsync(input, inputPath, cancellationToken).ConfigureAwait(false);
            byte[] dataKey = await UnwrapDataKeyAsync(unwrapDataKey, header, cancellationToken).ConfigureAwait(false);
            try
            {
                // Authenticate the header before any output file exists.
                using SegmentCipher cipher = SegmentCipher.Open(header, dataKey, inputPath);
                if (OutputTarget.Inspect(outputPath).Kind == OutputKind.Stream)
                {
                    // A FIFO or device receives bytes as they are written and cannot take them back: authenticate the
                    // whole container first, then decrypt it again into the stream.
                    await VerifyBodyAsync(input, header, dataKey, inputPath, cancellationToken).ConfigureAwait(false);
                }

                await AtomicFile.WriteAsync(
                    outputPath,
                    (output, token) => DecryptBodyAsync(input, header, cipher, output, inputPath, progress, token),
                    overwrite,
                    AtomicFile.OwnerOnly,
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }

    /// <summary>
    /// Decrypts the container file <paramref name="inputPath"/> into <paramref name="output"/>, a pending file the caller
    /// commits later (for example once every file of a tree has authenticated): one pass, nothing committed. On Linux the
    /// pending content has no name until its commit, so a process killed before then leaves no plaintext on disk. On any
    /// failure the caller disposes <paramref name="output"/> and the content is gone.
    /// </summary>
    /// <param name="inputPath">The container file.</param>
    /// <param name="output">From <see cref="AtomicFile.Create"/> (give it owner-only permissions); written from its current position, flushed, not committed.</param>
    /// <param name="unwrapDataKey">As for <see cref="DecryptFileAsync"/>.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes authenticated, once per segment.</param>
    /// <param name="cancellationToken">Cancels between segments.</param>
    /// <returns>A task that completes when the whole container has authenticated into <paramref name="output"/>.</returns>
    /// <exception cref="InvalidContainerException">The input is not a container or its header is malformed.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, tampering, truncation, extension, reordering or splicing.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> writes in place (a FIFO or device), which could not take bytes back.</exception>
    public static async Task DecryptFileIntoAsync(
        string inputPath,
        PendingFile output,
        Func<ContainerHeader, CancellationToken, ValueTask<byte[]>> unwrapDataKey,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(unwrapDataKey);
        if (!output.IsAtomic)
        {
            throw new ArgumentException($"'{output.Path}' is written in place; decrypt into a stream with DecryptFileToStreamAsync.", nameof(output));
        }

        await DecryptWholeAsync(inputPath, output.Stream, unwrapDataKey, authenticateFirst: false, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decrypts the container file <paramref name="inputPath"/> into <paramref name="destination"/> (standard output, a
    /// pipe), which cannot take bytes back: the whole container is authenticated first, and only then decrypted again
    /// into the stream, so a tampered or truncated container writes nothing. The file is read twice; its data key is
    /// unwrapped once.
    /// </summary>
    /// <param name="inputPath">The container file.</param>
    /// <param name="destination">Receives the plaintext; left open.</param>
    /// <param name="unwrapDataKey">As for <see cref="DecryptFileAsync"/>.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes written, once per segment.</param>
    /// <param name="cancellationToken">Cancels between segments.</param>
    /// <returns>A task that completes when every byte is written.</returns>
    /// <exception cref="InvalidContainerException">The input is not a container or its header is malformed.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, tampering, truncation, extension, reordering or splicing; nothing was written.</exception>
    public static async Task DecryptFileToStreamAsync(
        string inputPath,
        Stream destination,
        Func<ContainerHeader, CancellationToken, ValueTask<byte[]>> unwrapDataKey,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(unwrapDataKey);
        await DecryptWholeAsync(inputPath, destination, unwrapDataKey, authenticateFirst: true, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decrypts a whole container file into <paramref name="destination"/> and flushes it; with
    /// <paramref name="authenticateFirst"/>, every segment is authenticated before the first byte is written (two passes).
    /// </summary>
    private static async Task DecryptWholeAsync(
        string inputPath,
        Stream destination,
        Func<ContainerHeader, CancellationToken, ValueTask<byte[]>> unwrapDataKey,
        bool authenticateFirst,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (input.ConfigureAwait(false))
        {
            ContainerHeader header = await ContainerHeader.ReadAsync(input, inputPath, cancellationToken).ConfigureAwait(false);
            byte[] dataKey = await UnwrapDataKeyAsync(unwrapDataKey, header, cancellationToken).ConfigureAwait(false);
            try
            {
                if (authenticateFirst)
                {
                    await VerifyBodyAsync(input, header, dataKey, inputPath, cancellationToken).ConfigureAwait(false);
                }

                using SegmentCipher cipher = SegmentCipher.Open(header, dataKey, inputPath);
                await DecryptBodyAsync(input, header, cipher, destination, inputPath, progress, cancellationToken).ConfigureAwait(false);
                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }

    /// <summary>The caller's data key for <paramref name="header"/>, checked to be a container data key (zeroed when it is not).</summary>
    private static async Task<byte[]> UnwrapDataKeyAsync(
        Func<ContainerHeader, CancellationToken, ValueTask<byte[]>> unwrapDataKey, ContainerHeader header, CancellationToken cancellationToken)
    {
        byte[] dataKey = await unwrapDataKey(header, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("unwrapDataKey returned null; it must return the 32-byte data key.");
        if (dataKey.Length != DataKeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new InvalidOperationException($"unwrapDataKey returned {dataKey.Length} bytes; a container data key is {DataKeySize} bytes.");
        }

        return dataKey;
    }

    /// <summary>Authenticates every segment after the header (decrypting into nothing), then puts the stream back where it was.</summary>
    private static async Task VerifyBodyAsync(FileStream input, ContainerHeader header, byte[] dataKey, string inputPath, CancellationToken cancellationToken)
    {
        long bodyStart = input.Position;
        using (SegmentCipher verifier = SegmentCipher.Open(header, dataKey, inputPath))
        {
            await DecryptBodyAsync(input, header, verifier, Stream.Null, inputPath, progress: null, cancellationToken).ConfigureAwait(false);
        }

        input.Position = bodyStart;
    }

    private static void ThrowIfExists(string outputPath, bool overwrite)
    {
        // Only a regular file is replaced; a FIFO or device is written through (OutputTarget).
        if (!overwrite && OutputTarget.Inspect(outputPath).Kind == OutputKind.File)
        {
            throw new IOException($"'{outputPath}' already exists; pass overwrite: true to replace it.");
        }
    }
}
