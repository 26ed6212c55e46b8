using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// Decrypts the segments of a container body in order from a stream whose length is unknown. It reads one
/// byte past each full segment: if that byte exists the segment is non-final, otherwise the stream ended and
/// the segment must authenticate as final. So a stream cut at a segment boundary fails (the last segment
/// present was written as non-final) and appended bytes fail (the real final segment is then decrypted as
/// non-final). Memory: one buffer of segment size + 17 bytes.
/// </summary>
internal sealed class SequentialSegmentDecryptor : IDisposable
{
    private readonly Stream _input;
    private readonly SegmentCipher _cipher;
    private readonly string? _path;
    private readonly int _storedSegmentSize;
    private byte[]? _buffer;
    private long _nextIndex;
    private bool _hasLookahead;
    private byte _lookahead;
    private ExceptionDispatchInfo? _failure;
    private int _used;

    public SequentialSegmentDecryptor(Stream input, SegmentCipher cipher, int segmentSize, string? path)
    {
        _input = input;
        _cipher = cipher;
        _path = path;
        _storedSegmentSize = segmentSize + ContainerFormat.TagSize;
        _buffer = ArrayPool<byte>.Shared.Rent(_storedSegmentSize + 1);
    }

    /// <summary>True once the final segment has been authenticated.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The index the next call decrypts.</summary>
    public long NextIndex => _nextIndex;

    /// <summary>
    /// Reads, authenticates and decrypts the next segment. The returned memory is valid until the next call.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = BeginNext();
        int have = _hasLookahead ? 1 : 0;
        int want = _storedSegmentSize + 1;
        try
        {
            have += await _input.ReadAtLeastAsync(buffer.AsMemory(have, want - have), want - have, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return Finish(buffer, have);
        }
        catch (Exception exception)
        {
            _failure = ExceptionDispatchInfo.Capture(exception);
            throw;
        }
    }

    /// <summary>Synchronous twin of <see cref="NextAsync"/>.</summary>
    public ReadOnlyMemory<byte> Next()
    {
        byte[] buffer = BeginNext();
        int have = _hasLookahead ? 1 : 0;
        int want = _storedSegmentSize + 1;
        try
        {
            have += _input.ReadAtLeast(buffer.AsSpan(have, want - have), want - have, throwOnEndOfStream: false);
            return Finish(buffer, have);
        }
        catch (Exception exception)
        {
            _failure = ExceptionDispatchInfo.Capture(exception);
            throw;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            // Only the prefix that ever held data can hold plaintext; small files never touch the rest.
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, _used));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] BeginNext()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);

        // After any failure (authentication, I/O, cancellation) the input is no longer on a segment boundary: keep failing.
        _failure?.Throw();
        if (IsComplete)
        {
            throw new InvalidOperationException("The final segment has already been read.");
        }

        if (_hasLookahead)
        {
            _buffer[0] = _lookahead;
        }

        return _buffer;
    }

    private ReadOnlyMemory<byte> Finish(byte[] buffer, int have)
    {
        _used = Math.Max(_used, have);
        long index = _nextIndex;
        bool isFinal = have <= _storedSegmentSize;
        int stored = isFinal ? have : _storedSegmentSize;
        if (stored < ContainerFormat.TagSize)
        {
            throw SegmentCipher.Truncated(index, stored, _path);
        }

        if (isFinal && stored == ContainerFormat.TagSize && index > 0)
        {
            throw SegmentCipher.UnexpectedEmptyFinal(index, _path);
        }

        if (!isFinal && index >= ContainerFormat.MaxSegmentCount - 1)
        {
            // A non-final segment at the last possible index means more segments follow than the nonce can count.
            throw SegmentCipher.TooManySegments(index + 1, _path);
        }

        _hasLookahead = !isFinal;
        if (!isFinal)
        {
            _lookahead = buffer[_storedSegmentSize];
        }

        // Decrypt in place (exact overlap is allowed): plaintext replaces the ciphertext at the buffer start.
        Span<byte> segment = buffer.AsSpan(0, stored);
        int length = _cipher.Decrypt(index, isFinal, segment, segment);
        _nextIndex = index + 1;
        IsComplete = isFinal;
        return buffer.AsMemory(0, length);
    }
}
