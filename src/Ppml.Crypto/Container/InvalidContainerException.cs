namespace Ppml.Crypto.Container;

/// <summary>
/// The input is not a PPML container, or its header is malformed, truncated or of an unsupported version.
/// Thrown before any key is used: the bytes could not even be parsed. The message names the offset, what
/// was expected and what was found (and the file, when the caller supplied a path).
/// </summary>
public sealed class InvalidContainerException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public InvalidContainerException()
        : base("The input is not a valid PPML container.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong, where, and what was expected.</param>
    public InvalidContainerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong, where, and what was expected.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidContainerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal InvalidContainerException(string message, long offset, string? filePath)
        : base(message)
    {
        Offset = offset;
        FilePath = filePath;
    }

    /// <summary>Byte offset from the start of the container where the problem was found, when known.</summary>
    public long? Offset { get; }

    /// <summary>The file the container was read from, when the caller supplied one.</summary>
    public string? FilePath { get; }
}
