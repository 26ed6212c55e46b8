using System.Buffers;
using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// Random access to the segments of a container in a seekable stream. Opening derives the layout from the
/// stream length and authenticates the final segment, so the segment count and plaintext length are authentic
/// before any other segment is read. Memory: one buffer of segment size + 16 bytes. Not thread-safe.
/// </summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly Stream _input;
    private readonly long _start;
    private readonly SegmentCipher _cipher;
    private readonly string? _path;
    private byte[]? _buffer;
    private int _used;

    private SegmentReader(Stream input, long start, ContainerLayout layout, SegmentCipher cipher, string? path)
    {
        _input = input;
        _start = start;
        Layout = layout;
        _cipher = cipher;
        _path = path;
        _buffer = ArrayPool<byte>.Shared.Rent(layout.StoredSegmentSize);
    }

    public ContainerLayout Layout { get; }

    /// <summary>
    /// Builds the reader for the container that starts at <paramref name="start"/> in <paramref name="input"/>
    /// and authenticates its final segment.
    /// </summary>
    public static async Task<SegmentReader> OpenAsync(Stream input, long start, ContainerHeader header, SegmentCipher cipher, string? path, CancellationToken cancellationToken)
    {
        ContainerLayout layout = ContainerLayout.FromContainerLength(header, input.Length - start, path);
        var reader = new SegmentReader(input, start, layout, cipher, path);
        try
        {
            await reader.LoadAsync(layout.FinalIndex, cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads and decrypts segment <paramref name="index"/> in place; the memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> LoadAsync(long index, CancellationToken cancellationToken)
    {
        Memory<byte> stored = await ReadStoredAsync(index, cancellationToken).ConfigureAwait(false);
        int length = _cipher.Decrypt(index, index == Layout.FinalIndex, stored.Span, stored.Span);
        return stored[..length];
    }

    /// <summary>Synchronous twin of <see cref="LoadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Load(long index)
    {
        Memory<byte> stored = ReadStored(index);
        int length = _cipher.Decrypt(index, index == Layout.FinalIndex, stored.Span, stored.Span);
        return stored[..length];
    }

    /// <summary>Reads segment <paramref name="index"/> and decrypts it into <paramref name="destination"/>.</summary>
    public async ValueTask<int> DecryptIntoAsync(long index, Memory<byte> destination, CancellationToken cancellationToken)
    {
        Memory<byte> stored = await ReadStoredAsync(index, cancellationToken).ConfigureAwait(false);
        return _cipher.Decrypt(index, index == Layout.FinalIndex, stored.Span, destination.Span);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, _used));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<Memory<byte>> ReadStoredAsync(long index, CancellationToken cancellationToken)
    {
        Memory<byte> stored = Position(index);
        int read = await _input.ReadAtLeastAsync(stored, stored.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return Check(index, stored, read);
    }

    private Memory<byte> ReadStored(long index)
    {
        Memory<byte> stored = Position(index);
        int read = _input.ReadAtLeast(stored.Span, stored.Length, throwOnEndOfStream: false);
        return Check(index, stored, read);
    }

    private Memory<byte> Position(long index)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Layout.SegmentCount);
        long offset = _start + Layout.OffsetOf(index);
        if (_input.Position != offset)
        {
            _input.Position = offset;
        }

        int length = Layout.StoredLengthOf(index);
        _used = Math.Max(_used, length);
        return _buffer.AsMemory(0, length);
    }

    private Memory<byte> Check(long index, Memory<byte> stored, int read)
    {
        if (read < stored.Length)
        {
            // The input shrank after the layout was derived at open.
            CryptographicOperations.ZeroMemory(stored.Span);
            throw SegmentCipher.Truncated(index, read, _path);
        }

        return stored;
    }
}
