namespace Ppml.Crypto.Container;

/// <summary>
/// A read-only stream of the plaintext of a container. Every segment is authenticated before any of its bytes
/// is returned. Over a non-seekable input the segments are read in order, and a missing final segment throws
/// <see cref="ContainerAuthenticationException"/> at the end — never a silent short read. Over a seekable input the
/// stream is seekable too: opening derives the layout from the input length and authenticates the final segment,
/// so <see cref="PlaintextLength"/> is authentic and truncation is detected at open. Over a non-seekable input, a
/// read that failed (authentication, I/O or cancellation) leaves the stream unusable: later reads throw again.
/// </summary>
public sealed class ContainerReadStream : Stream
{
    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly SegmentCipher _cipher;
    private readonly SequentialSegmentDecryptor? _sequential;
    private readonly SegmentReader? _random;
    private ReadOnlyMemory<byte> _current;
    private long _currentIndex = -1;
    private int _offsetInCurrent;
    private long _position;
    private bool _disposed;

    private ContainerReadStream(Stream input, bool leaveOpen, ContainerHeader header, SegmentCipher cipher, SequentialSegmentDecryptor? sequential, SegmentReader? random)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        Header = header;
        _cipher = cipher;
        _sequential = sequential;
        _random = random;
    }

    /// <summary>The container header (authenticated).</summary>
    public ContainerHeader Header { get; }

    /// <summary>The plaintext length when the input is seekable (authenticated at open); otherwise <see langword="null"/>.</summary>
    public long? PlaintextLength => _random?.Layout.PlaintextLength;

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => !_disposed && _random is not null;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <summary>The plaintext length; only when the input is seekable.</summary>
    public override long Length =>
        PlaintextLength ?? throw new NotSupportedException("The container input is not seekable, so its plaintext length is unknown until the end.");

    /// <summary>The plaintext position. Setting it needs a seekable input.</summary>
    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>
    /// Opens the container at the current position of <paramref name="input"/>: parses the header and
    /// authenticates it with <paramref name="dataKey"/>; when <paramref name="input"/> is seekable, also
    /// authenticates the final segment.
    /// </summary>
    /// <param name="input">The container stream.</param>
    /// <param name="dataKey">The 32-byte data key; it is not retained (the derived per-file key is).</param>
    /// <param name="leaveOpen">Whether disposing the returned stream leaves <paramref name="input"/> open.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The plaintext stream.</returns>
    /// <exception cref="InvalidContainerException">The header is malformed.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, modified header, or (seekable input) truncated or extended container.</exception>
    public static async Task<ContainerReadStream> OpenAsync(Stream input, ReadOnlyMemory<byte> dataKey, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ContainerKeys.CheckDataKey(dataKey.Span, nameof(dataKey));
        long start = input.CanSeek ? input.Position : 0;
        ContainerHeader header = await ContainerHeader.ReadAsync(input, path: null, cancellationToken).ConfigureAwait(false);
        SegmentCipher cipher = SegmentCipher.Open(header, dataKey.Span, path: null);
        try
        {
            if (input.CanSeek)
            {
                SegmentReader reader = await SegmentReader.OpenAsync(input, start, header, cipher, path: null, cancellationToken).ConfigureAwait(false);
                return new ContainerReadStream(input, leaveOpen, header, cipher, sequential: null, reader);
            }

            var sequential = new SequentialSegmentDecryptor(input, cipher, header.SegmentSize, path: null);
            return new ContainerReadStream(input, leaveOpen, header, cipher, sequential, random: null);
        }
        catch
        {
            cipher.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (TryCopyFromCurrent(buffer, out int copied))
            {
                return copied;
            }

            if (_random is not null)
            {
                if (_position >= _random.Layout.PlaintextLength)
                {
                    return 0;
                }

                long index = _position / Header.SegmentSize;
                InvalidateCurrent();
                _current = _random.Load(index);
                _currentIndex = index;
                _offsetInCurrent = (int)(_position - (index * Header.SegmentSize));
            }
            else
            {
                if (_sequential!.IsComplete)
                {
                    return 0;
                }

                long index = _sequential.NextIndex;
                InvalidateCurrent();
                _current = _sequential.Next();
                _currentIndex = index;
                _offsetInCurrent = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (TryCopyFromCurrent(buffer.Span, out int copied))
            {
                return copied;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (_random is not null)
            {
                if (_position >= _random.Layout.PlaintextLength)
                {
                    return 0;
                }

                long index = _position / Header.SegmentSize;
                InvalidateCurrent();
                _current = await _random.LoadAsync(index, cancellationToken).ConfigureAwait(false);
                _currentIndex = index;
                _offsetInCurrent = (int)(_position - (index * Header.SegmentSize));
            }
            else
            {
                if (_sequential!.IsComplete)
                {
                    return 0;
                }

                long index = _sequential.NextIndex;
                InvalidateCurrent();
                _current = await _sequential.NextAsync(cancellationToken).ConfigureAwait(false);
                _currentIndex = index;
                _offsetInCurrent = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_random is null)
        {
            throw new NotSupportedException("The container input is not seekable.");
        }

        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _random.Layout.PlaintextLength + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };
        if (target < 0)
        {
            throw new IOException($"Cannot seek to {target}: before the start of the plaintext.");
        }

        _position = target;
        long index = target / Header.SegmentSize;
        if (index == _currentIndex)
        {
            _offsetInCurrent = (int)(target - (index * Header.SegmentSize));
        }
        else
        {
            InvalidateCurrent();
        }

        return target;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("A container read stream is read-only.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A container read stream is read-only.");

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            Release();
            if (!_leaveOpen)
            {
                await _input.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Stream.DisposeAsync calls Dispose(true), which finds everything released.
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            Release();
            if (!_leaveOpen)
            {
                _input.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        _disposed = true;
        _current = ReadOnlyMemory<byte>.Empty;
        _sequential?.Dispose();
        _random?.Dispose();
        _cipher.Dispose();
    }

    /// <summary>
    /// Forgets the current segment before its buffer is reused: if the next load fails, nothing (not even a seek
    /// back) can expose what the failed load left in the buffer.
    /// </summary>
    private void InvalidateCurrent()
    {
        _current = ReadOnlyMemory<byte>.Empty;
        _currentIndex = -1;
        _offsetInCurrent = 0;
    }

    /// <summary>Copies from the current decrypted segment; false when it is exhausted (or none is loaded).</summary>
    private bool TryCopyFromCurrent(Span<byte> destination, out int copied)
    {
        int available = _current.Length - _offsetInCurrent;
        if (_currentIndex < 0 || available <= 0)
        {
            copied = 0;
            return false;
        }

        copied = Math.Min(available, destination.Length);
        _current.Span.Slice(_offsetInCurrent, copied).CopyTo(destination);
        _offsetInCurrent += copied;
        _position += copied;
        return true;
    }
}
