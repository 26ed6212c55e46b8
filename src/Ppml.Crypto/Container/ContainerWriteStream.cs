using System.Buffers;
using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// A write-only stream that encrypts what is written to it into a container. It buffers up to one segment and
/// emits each segment once it knows whether it is the last one, so the container is finished only by an
/// explicit <see cref="CompleteAsync"/> (or <see cref="Complete"/>). Disposing without completing writes no final
/// segment: the output is then invalid and every reader reports it as truncated — it never silently commits.
/// <see cref="Flush"/> flushes the underlying stream but cannot emit a partial segment.
/// </summary>
public sealed class ContainerWriteStream : Stream
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly SegmentCipher _cipher;
    private readonly byte[] _header;
    private readonly int _segmentSize;
    private byte[]? _buffer;
    private int _buffered;
    private int _used;
    private long _index;
    private long _written;
    private bool _headerWritten;
    private bool _completed;
    private bool _faulted;

    private ContainerWriteStream(Stream output, bool leaveOpen, ContainerHeader header, SegmentCipher cipher)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _cipher = cipher;
        _header = header.Bytes.ToArray();
        _segmentSize = header.SegmentSize;
        _buffer = ArrayPool<byte>.Shared.Rent(_segmentSize + ContainerFormat.TagSize);
        Header = header;
    }

    /// <summary>The header this stream writes (before any byte is written to the output).</summary>
    public ContainerHeader Header { get; }

    /// <summary>Whether the container has been completed.</summary>
    public bool IsCompleted => _completed;

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => _buffer is not null && !_completed;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("A container write stream has no length.");

    /// <summary>The number of plaintext bytes written so far. Setting it is not supported.</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException("A container write stream cannot seek.");
    }

    /// <summary>
    /// Creates a stream that writes a new container to <paramref name="output"/>. Nothing is written until the
    /// first write or completion.
    /// </summary>
    /// <param name="output">Receives the container.</param>
    /// <param name="dataKey">The 32-byte data key; it is not retained (the derived per-file key is).</param>
    /// <param name="keyInfo">The KMS key reference, version and wrapped data key to record in the header.</param>
    /// <param name="options">Segment size; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="output"/> open.</param>
    /// <returns>The stream; call <see cref="CompleteAsync"/> to finish the container.</returns>
    public static ContainerWriteStream Create(
        Stream output,
        ReadOnlyMemory<byte> dataKey,
        ContainerKeyInfo keyInfo,
        ContainerOptions? options = null,
        bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        ContainerHeader header = PpmlContainer.CreateHeader(dataKey, keyInfo, options ?? new ContainerOptions());
        SegmentCipher cipher = SegmentCipher.Open(header, dataKey.Span, path: null);
        return new ContainerWriteStream(output, leaveOpen, header, cipher);
    }

    /// <summary>
    /// Encrypts the buffered plaintext as the final segment, writes it and flushes the output. After this the
    /// container is valid and no more data can be written. Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the write (the container is then left unfinished).</param>
    /// <returns>A task that completes when the final segment has been written and flushed.</returns>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        byte[] buffer = Begin();
        try
        {
            await WriteHeaderIfNeededAsync(cancellationToken).ConfigureAwait(false);
            int stored = SealSegment(buffer, isFinal: true);
            await _output.WriteAsync(buffer.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            _completed = true;
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>Synchronous twin of <see cref="CompleteAsync"/>.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        byte[] buffer = Begin();
        try
        {
            WriteHeaderIfNeeded();
            int stored = SealSegment(buffer, isFinal: true);
            _output.Write(buffer, 0, stored);
            _output.Flush();
            _completed = true;
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] segment = Begin();
        try
        {
            WriteHeaderIfNeeded();
            while (!buffer.IsEmpty)
            {
                if (_buffered == _segmentSize)
                {
                    // More data follows a full segment, so that segment is not the last.
                    int stored = SealSegment(segment, isFinal: false);
                    _output.Write(segment, 0, stored);
                }

                int take = Math.Min(buffer.Length, _segmentSize - _buffered);
                buffer[..take].CopyTo(segment.AsSpan(_buffered));
                _buffered += take;
                _written += take;
                buffer = buffer[take..];
            }
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        byte[] segment = Begin();
        try
        {
            await WriteHeaderIfNeededAsync(cancellationToken).ConfigureAwait(false);
            while (!buffer.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_buffered == _segmentSize)
                {
                    int stored = SealSegment(segment, isFinal: false);
                    await _output.WriteAsync(segment.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                }

                int take = Math.Min(buffer.Length, _segmentSize - _buffered);
                buffer.Span[..take].CopyTo(segment.AsSpan(_buffered));
                _buffered += take;
                _written += take;
                buffer = buffer[take..];
            }
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Flushes the underlying stream. Buffered plaintext stays buffered until a segment is full or the container completes.</summary>
    public override void Flush()
    {
        if (_buffer is not null)
        {
            _output.Flush();
        }
    }

    /// <inheritdoc cref="Flush"/>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _buffer is null ? Task.CompletedTask : _output.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A container write stream cannot be read.");

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A container write stream cannot seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("A container write stream cannot seek.");

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (_buffer is not null)
        {
            Release();
            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Stream.DisposeAsync calls Dispose(true), which finds everything released.
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Releases the buffers. Without a prior completion no final segment is written, so the output is an
    /// unfinished (invalid) container.
    /// </summary>
    /// <param name="disposing">Whether this is a call from <see cref="Stream.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is not null)
        {
            Release();
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        byte[] buffer = _buffer!;
        _buffer = null;
        // Only the prefix that ever held data can hold plaintext (pooled arrays are often larger).
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, Math.Max(_used, _buffered)));
        ArrayPool<byte>.Shared.Return(buffer);
        _cipher.Dispose();
    }

    private byte[] Begin()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (_completed)
        {
            throw new InvalidOperationException("The container is complete; nothing more can be written.");
        }

        if (_faulted)
        {
            throw new InvalidOperationException("An earlier write to this container failed; the container is unusable.");
        }

        return _buffer;
    }

    /// <summary>Encrypts the buffered plaintext in place as the next segment; returns its stored length.</summary>
    private int SealSegment(byte[] segment, bool isFinal)
    {
        if (!isFinal && _index >= ContainerFormat.MaxSegmentCount - 1)
        {
            throw new InvalidOperationException(
                $"The plaintext exceeds the container limit of {ContainerFormat.MaxSegmentCount} segments of {_segmentSize} bytes; use a larger segment size.");
        }

        int length = _buffered;
        _used = Math.Max(_used, length + ContainerFormat.TagSize);
        _cipher.EncryptInPlace(_index, isFinal, segment, length);
        _index++;
        _buffered = 0;
        return length + ContainerFormat.TagSize;
    }

    private void WriteHeaderIfNeeded()
    {
        if (!_headerWritten)
        {
            _output.Write(_header);
            _headerWritten = true;
        }
    }

    private async ValueTask WriteHeaderIfNeededAsync(CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            await _output.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }
    }
}
