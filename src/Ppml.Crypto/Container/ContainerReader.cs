namespace Ppml.Crypto.Container;

/// <summary>
/// Random access to a container in a seekable stream, by segment or by plaintext offset, without reading the
/// other segments. Opening authenticates the header and the final segment, so <see cref="SegmentCount"/> and
/// <see cref="PlaintextLength"/> are authentic and a truncated or extended container fails at open. Each read
/// authenticates the segments it touches (their index and finality are bound into their nonces) before
/// returning any of their bytes. Reads are serialized; memory use is about one segment.
/// </summary>
public sealed class ContainerReader : IDisposable
{
    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly SegmentCipher _cipher;
    private readonly SegmentReader _reader;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private ContainerReader(Stream input, bool leaveOpen, ContainerHeader header, SegmentCipher cipher, SegmentReader reader)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        Header = header;
        _cipher = cipher;
        _reader = reader;
    }

    /// <summary>The container header (authenticated).</summary>
    public ContainerHeader Header { get; }

    /// <summary>The number of segments (at least one; an empty plaintext has one empty final segment).</summary>
    public long SegmentCount => _reader.Layout.SegmentCount;

    /// <summary>Plaintext bytes per segment; every segment but the last holds exactly this many.</summary>
    public int SegmentSize => _reader.Layout.SegmentSize;

    /// <summary>The plaintext length: (SegmentCount - 1) × SegmentSize + the final segment's length.</summary>
    public long PlaintextLength => _reader.Layout.PlaintextLength;

    /// <summary>
    /// Opens the container at the current position of <paramref name="seekableInput"/>: parses and authenticates
    /// the header, derives the layout from the stream length, and authenticates the final segment.
    /// </summary>
    /// <param name="seekableInput">A seekable stream positioned at the container start.</param>
    /// <param name="dataKey">The 32-byte data key; it is not retained (the derived per-file key is).</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="seekableInput"/> open.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="InvalidContainerException">The header is malformed.</exception>
    /// <exception cref="ContainerAuthenticationException">Wrong key, modified header, or truncated or extended container.</exception>
    public static async Task<ContainerReader> OpenAsync(Stream seekableInput, ReadOnlyMemory<byte> dataKey, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seekableInput);
        if (!seekableInput.CanSeek || !seekableInput.CanRead)
        {
            throw new ArgumentException("Random access needs a readable, seekable stream; use ContainerReadStream or PpmlContainer.DecryptAsync otherwise.", nameof(seekableInput));
        }

        ContainerKeys.CheckDataKey(dataKey.Span, nameof(dataKey));
        long start = seekableInput.Position;
        ContainerHeader header = await ContainerHeader.ReadAsync(seekableInput, path: null, cancellationToken).ConfigureAwait(false);
        SegmentCipher cipher = SegmentCipher.Open(header, dataKey.Span, path: null);
        try
        {
            SegmentReader reader = await SegmentReader.OpenAsync(seekableInput, start, header, cipher, path: null, cancellationToken).ConfigureAwait(false);
            return new ContainerReader(seekableInput, leaveOpen, header, cipher, reader);
        }
        catch
        {
            cipher.Dispose();
            throw;
        }
    }

    /// <summary>The plaintext length of segment <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based segment index.</param>
    /// <returns><see cref="SegmentSize"/>, or the final segment's length for the last index.</returns>
    public int GetSegmentLength(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SegmentCount);
        return _reader.Layout.PlaintextLengthOf(index);
    }

    /// <summary>
    /// Authenticates segment <paramref name="index"/> and decrypts it into <paramref name="destination"/>. On
    /// authentication failure the destination range is zeroed before the exception is thrown.
    /// </summary>
    /// <param name="index">Zero-based segment index, below <see cref="SegmentCount"/>.</param>
    /// <param name="destination">At least <see cref="GetSegmentLength"/> bytes (<see cref="SegmentSize"/> always suffices).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of plaintext bytes written.</returns>
    /// <exception cref="ContainerAuthenticationException">The segment failed authentication, or the input shrank since open.</exception>
    public async ValueTask<int> ReadSegmentAsync(long index, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        int length = GetSegmentLength(index);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Segment {index} holds {length} bytes; the destination has room for {destination.Length}.", nameof(destination));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await _reader.DecryptIntoAsync(index, destination, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads plaintext starting at <paramref name="plaintextOffset"/>, authenticating every segment it touches,
    /// until <paramref name="destination"/> is full or the plaintext ends.
    /// </summary>
    /// <param name="plaintextOffset">Offset into the plaintext; at or past <see cref="PlaintextLength"/> reads nothing.</param>
    /// <param name="destination">Receives the plaintext.</param>
    /// <param name="cancellationToken">Cancels between segments.</param>
    /// <returns>The number of bytes read: <c>destination.Length</c> unless the plaintext ends first.</returns>
    /// <exception cref="ContainerAuthenticationException">A segment failed authentication; nothing of it was copied.</exception>
    public async ValueTask<int> ReadAsync(long plaintextOffset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextOffset);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ContainerLayout layout = _reader.Layout;
            int total = 0;
            long position = plaintextOffset;
            while (!destination.IsEmpty && position < layout.PlaintextLength)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long index = position / layout.SegmentSize;
                int offset = (int)(position - (index * layout.SegmentSize));
                int segmentLength = layout.PlaintextLengthOf(index);
                int count;
                if (offset == 0 && destination.Length >= segmentLength)
                {
                    count = await _reader.DecryptIntoAsync(index, destination, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    ReadOnlyMemory<byte> plaintext = await _reader.LoadAsync(index, cancellationToken).ConfigureAwait(false);
                    count = Math.Min(plaintext.Length - offset, destination.Length);
                    plaintext.Slice(offset, count).CopyTo(destination);
                }

                destination = destination[count..];
                position += count;
                total += count;
            }

            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the buffers and, unless opened with leaveOpen, the input stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _reader.Dispose();
        _cipher.Dispose();
        _gate.Dispose();
        if (!_leaveOpen)
        {
            _input.Dispose();
        }
    }
}
