using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Ppml.Crypto.Container;
using Ppml.Kms;

namespace Ppml.Data.IO;

/// <summary>
/// Gets the plaintext of a part: decrypted straight into a memory file (large sequential reads, several ranges of one
/// container in parallel), or as a stream for the appender path. Every failure becomes a <see cref="DatasetException"/>
/// naming the part.
/// </summary>
internal static class PartReader
{
    // Ranges smaller than this are not worth a second reader (open cost: header + final segment authentication).
    private const long MinimumRangeBytes = 32L << 20;

    // Bytes decrypted per read: whole segments, about 4 MiB, so the kernel sees few large writes.
    private const int ChunkBytes = 4 << 20;

    /// <summary>Writes the plaintext of a plain or container part into <paramref name="target"/> (from offset 0).</summary>
    public static async Task<long> CopyPlaintextToAsync(
        IKeyManagementService kms, DatasetPart part, SafeFileHandle target, int parallelism, CancellationToken cancellationToken)
    {
        try
        {
            return part.Protection switch
            {
                PartProtection.Container => await DecryptContainerToAsync(kms, part, target, parallelism, cancellationToken).ConfigureAwait(false),
                PartProtection.None => await CopyPlainToAsync(part, target, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"Part '{part.Path}' needs the Parquet decryptor."),
            };
        }
        catch (Exception exception) when (IsPartFailure(exception))
        {
            throw Wrap(part, exception);
        }
    }

    /// <summary>Opens the plaintext of a plain or container part as a read-only stream (appender path).</summary>
    public static async Task<Stream> OpenPlaintextAsync(IKeyManagementService kms, DatasetPart part, CancellationToken cancellationToken)
    {
        var file = new FileStream(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        if (part.Protection == PartProtection.None)
        {
            return file;
        }

        try
        {
            ContainerHeader header = await PpmlContainer.ReadHeaderAsync(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            byte[] key = await kms.UnwrapDataKeyAsync(header.KeyReference, header.KeyVersion, header.WrappedDataKey, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ContainerReadStream.OpenAsync(file, key, leaveOpen: false, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch (Exception exception) when (IsPartFailure(exception))
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw Wrap(part, exception);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> is a failure of the part itself (format, key, authentication, I/O).</summary>
    public static bool IsPartFailure(Exception exception) =>
        exception is InvalidContainerException or ContainerAuthenticationException or KmsException or IOException or UnauthorizedAccessException
        && exception is not DatasetException;

    /// <summary>The <see cref="DatasetException"/> for a failure of <paramref name="part"/>.</summary>
    public static DatasetException Wrap(DatasetPart part, Exception exception)
    {
        string reason = exception switch
        {
            ContainerAuthenticationException => "it failed authentication (wrong key, or the file was modified, truncated or swapped)",
            InvalidContainerException => "it is not a valid PPML container",
            KmsException kms => $"the KMS refused its data key ({kms.Message})",
            _ => exception.Message,
        };
        return new DatasetException($"Part '{part.Path}' cannot be read: {reason}.", part.Path, line: null, exception);
    }

    private static async Task<long> DecryptContainerToAsync(
        IKeyManagementService kms, DatasetPart part, SafeFileHandle target, int parallelism, CancellationToken cancellationToken)
    {
        ContainerHeader header;
        var headerStream = new FileStream(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        await using (headerStream.ConfigureAwait(false))
        {
            header = await PpmlContainer.ReadHeaderAsync(headerStream, cancellationToken).ConfigureAwait(false);
        }

        byte[] key = await kms.UnwrapDataKeyAsync(header.KeyReference, header.KeyVersion, header.WrappedDataKey, cancellationToken).ConfigureAwait(false);
        try
        {
            ContainerReader first = await OpenReaderAsync(part.Path, key, cancellationToken).ConfigureAwait(false);
            using (first)
            {
                long length = first.PlaintextLength;
                long segments = first.SegmentCount;
                RandomAccess.SetLength(target, length);
                int ranges = (int)Math.Clamp(length / MinimumRangeBytes, 1, Math.Max(1, parallelism));
                ranges = (int)Math.Min(ranges, segments);
                var work = new Task[ranges];
                for (int r = 0; r < ranges; r++)
                {
                    long start = segments * r / ranges;
                    long end = segments * (r + 1) / ranges;
                    work[r] = r == 0
                        ? DecryptRangeAsync(first, start, end, target, cancellationToken)
                        : DecryptRangeWithOwnReaderAsync(part.Path, key, start, end, target, cancellationToken);
                }

                await Task.WhenAll(work).ConfigureAwait(false);
                return length;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static async Task<ContainerReader> OpenReaderAsync(string path, byte[] key, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        try
        {
            return await ContainerReader.OpenAsync(stream, key, leaveOpen: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task DecryptRangeWithOwnReaderAsync(string path, byte[] key, long start, long end, SafeFileHandle target, CancellationToken cancellationToken)
    {
        using ContainerReader reader = await OpenReaderAsync(path, key, cancellationToken).ConfigureAwait(false);
        await DecryptRangeAsync(reader, start, end, target, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DecryptRangeAsync(ContainerReader reader, long startSegment, long endSegment, SafeFileHandle target, CancellationToken cancellationToken)
    {
        int segmentSize = reader.SegmentSize;
        int segmentsPerChunk = Math.Max(1, ChunkBytes / segmentSize);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(segmentsPerChunk * segmentSize);
        try
        {
            for (long segment = startSegment; segment < endSegment; segment += segmentsPerChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(segmentsPerChunk, endSegment - segment);
                long offset = segment * segmentSize;
                int read = await reader.ReadAsync(offset, buffer.AsMemory(0, count * segmentSize), cancellationToken).ConfigureAwait(false);
                RandomAccess.Write(target, buffer.AsSpan(0, read), offset);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task<long> CopyPlainToAsync(DatasetPart part, SafeFileHandle target, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using SafeFileHandle source = File.OpenHandle(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
                long length = RandomAccess.GetLength(source);
                RandomAccess.SetLength(target, length);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                try
                {
                    long offset = 0;
                    while (offset < length)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int read = RandomAccess.Read(source, buffer.AsSpan(0, ChunkBytes), offset);
                        if (read == 0)
                        {
                            throw new IOException($"'{part.Path}' shrank while it was read.");
                        }

                        RandomAccess.Write(target, buffer.AsSpan(0, read), offset);
                        offset += read;
                    }

                    return length;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            },
            cancellationToken);
}
