using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// The header or a segment of a PPML container failed authentication: the data key is wrong, or the
/// container was modified, truncated, extended, reordered or spliced with another container. No plaintext of
/// the failing segment was released. The message names the segment (or the header); it never contains key
/// material or plaintext.
/// </summary>
public sealed class ContainerAuthenticationException : CryptographicException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ContainerAuthenticationException()
        : base("A PPML container failed authentication.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public ContainerAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ContainerAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ContainerAuthenticationException(string message, long? segmentIndex, string? filePath, Exception? innerException = null)
        : base(message, innerException)
    {
        SegmentIndex = segmentIndex;
        FilePath = filePath;
    }

    /// <summary>The zero-based index of the segment that failed, or <see langword="null"/> when the header failed.</summary>
    public long? SegmentIndex { get; }

    /// <summary>The file the container was read from, when the caller supplied one.</summary>
    public string? FilePath { get; }
}
