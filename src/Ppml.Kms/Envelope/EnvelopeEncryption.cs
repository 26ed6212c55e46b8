using System.Security.Cryptography;
using Ppml.Core.IO;
using Ppml.Crypto.Container;

namespace Ppml.Kms.Envelope;

/// <summary>
/// Envelope encryption of files: one fresh data key per file from the KMS, wrapped under a primary key and stored
/// in the container header; decryption asks the KMS to unwrap it. The plaintext data key lives only in memory and
/// is zeroed after use.
/// </summary>
public static class EnvelopeEncryption
{
    /// <summary>Encrypts <paramref name="inputPath"/> to <paramref name="outputPath"/> under <paramref name="keyName"/> (atomic).</summary>
    /// <param name="kms">The key service.</param>
    /// <param name="keyName">The primary key that wraps the data key.</param>
    /// <param name="inputPath">The plaintext file.</param>
    /// <param name="outputPath">The container to write.</param>
    /// <param name="options">Container options; <see langword="null"/> for the defaults.</param>
    /// <param name="overwrite">Whether an existing output may be replaced.</param>
    /// <param name="progress">Receives plaintext bytes processed.</param>
    /// <param name="cancellationToken">Cancels the work; no output is left behind.</param>
    public static async Task EncryptFileAsync(
        IKeyManagementService kms,
        string keyName,
        string inputPath,
        string outputPath,
        ContainerOptions? options = null,
        bool overwrite = false,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        using DataKey dataKey = await kms.GenerateDataKeyAsync(keyName, cancellationToken).ConfigureAwait(false);
        var keyInfo = new ContainerKeyInfo(keyName, dataKey.KeyVersion, dataKey.WrappedKey);
        await PpmlContainer.EncryptFileAsync(inputPath, outputPath, dataKey.Plaintext, keyInfo, options, overwrite, progress, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Decrypts container <paramref name="inputPath"/> to <paramref name="outputPath"/> (atomic; nothing is left on failure).</summary>
    /// <param name="kms">The key service holding the primary key named in the header.</param>
    /// <param name="inputPath">The container.</param>
    /// <param name="outputPath">The plaintext file to write.</param>
    /// <param name="overwrite">Whether an existing output may be replaced.</param>
    /// <param name="progress">Receives plaintext bytes processed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static Task DecryptFileAsync(
        IKeyManagementService kms,
        string inputPath,
        string outputPath,
        bool overwrite = false,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        return PpmlContainer.DecryptFileAsync(
            inputPath,
            outputPath,
            async (header, token) => await UnwrapAsync(kms, header, token).ConfigureAwait(false),
            overwrite,
            progress,
            cancellationToken);
    }

    /// <summary>
    /// Decrypts the container file <paramref name="inputPath"/> into a pending file the caller commits later, with a data
    /// key the KMS unwraps (<see cref="PpmlContainer.DecryptFileIntoAsync"/>): nothing has a name until the commit.
    /// </summary>
    /// <param name="kms">Unwraps the data key.</param>
    /// <param name="inputPath">The container file.</param>
    /// <param name="output">From <see cref="AtomicFile.Create"/>; flushed, not committed.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes authenticated.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the container has authenticated into <paramref name="output"/>.</returns>
    public static Task DecryptFileIntoAsync(
        IKeyManagementService kms,
        string inputPath,
        PendingFile output,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        return PpmlContainer.DecryptFileIntoAsync(
            inputPath,
            output,
            async (header, token) => await UnwrapAsync(kms, header, token).ConfigureAwait(false),
            progress,
            cancellationToken);
    }

    /// <summary>
    /// Decrypts the container file <paramref name="inputPath"/> into <paramref name="destination"/> (standard output, a
    /// pipe) with a data key the KMS unwraps: the whole container authenticates before the first byte is written
    /// (<see cref="PpmlContainer.DecryptFileToStreamAsync"/>).
    /// </summary>
    /// <param name="kms">Unwraps the data key.</param>
    /// <param name="inputPath">The container file.</param>
    /// <param name="destination">Receives the plaintext; left open.</param>
    /// <param name="progress">Receives the cumulative number of plaintext bytes written.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when every byte is written.</returns>
    public static Task DecryptFileToStreamAsync(
        IKeyManagementService kms,
        string inputPath,
        Stream destination,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        return PpmlContainer.DecryptFileToStreamAsync(
            inputPath,
            destination,
            async (header, token) => await UnwrapAsync(kms, header, token).ConfigureAwait(false),
            progress,
            cancellationToken);
    }

    /// <summary>Opens a decrypting stream over <paramref name="container"/>: the data key is unwrapped by <paramref name="kms"/>.</summary>
    /// <param name="kms">The key service.</param>
    /// <param name="container">The container stream (seekable for random access).</param>
    /// <param name="leaveOpen">Whether disposing the result leaves <paramref name="container"/> open.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A read-only stream of authenticated plaintext.</returns>
    public static async Task<ContainerReadStream> OpenReadAsync(
        IKeyManagementService kms, Stream container, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentNullException.ThrowIfNull(container);
        long start = container.CanSeek ? container.Position : 0;
        ContainerHeader header = await PpmlContainer.ReadHeaderAsync(container, cancellationToken).ConfigureAwait(false);
        if (!container.CanSeek)
        {
            throw new ArgumentException("The container stream must be seekable.", nameof(container));
        }

        container.Position = start;
        byte[] key = await UnwrapAsync(kms, header, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ContainerReadStream.OpenAsync(container, key, leaveOpen, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Creates an encrypting stream over <paramref name="output"/> with a fresh data key; call CompleteAsync to finish.</summary>
    /// <param name="kms">The key service.</param>
    /// <param name="keyName">The primary key.</param>
    /// <param name="output">Where the container is written.</param>
    /// <param name="options">Container options.</param>
    /// <param name="leaveOpen">Whether disposing the result leaves <paramref name="output"/> open.</param>
    /// <param name="cancellationToken">Cancels the key request.</param>
    /// <returns>The write stream.</returns>
    public static async Task<ContainerWriteStream> CreateWriteAsync(
        IKeyManagementService kms, string keyName, Stream output, ContainerOptions? options = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        using DataKey dataKey = await kms.GenerateDataKeyAsync(keyName, cancellationToken).ConfigureAwait(false);
        var keyInfo = new ContainerKeyInfo(keyName, dataKey.KeyVersion, dataKey.WrappedKey);
        return ContainerWriteStream.Create(output, dataKey.Plaintext, keyInfo, options, leaveOpen);
    }

    private static Task<byte[]> UnwrapAsync(IKeyManagementService kms, ContainerHeader header, CancellationToken cancellationToken) =>
        kms.UnwrapDataKeyAsync(header.KeyReference, header.KeyVersion, header.WrappedDataKey, cancellationToken);
}
