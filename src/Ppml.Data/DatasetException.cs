namespace Ppml.Data;

/// <summary>
/// A dataset could not be read, queried or written: a malformed row, a schema mismatch, a missing, damaged or
/// wrongly keyed part, a plain file where an encrypted one is required, or invalid SQL. The message is one line that
/// names the input (the part file and the line, when known) and never contains row data or key material. When it is
/// thrown no table was registered and no output was left behind.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public DatasetException()
        : base("The dataset operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed, where, and how to fix it.</param>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed, where, and how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the part and line.</summary>
    /// <param name="message">The full message (already naming the part and line).</param>
    /// <param name="path">The part file.</param>
    /// <param name="line">The 1-based line, when known.</param>
    /// <param name="innerException">The underlying failure.</param>
    public DatasetException(string message, string? path, long? line, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file (part) that failed, when known.</summary>
    public string? Path { get; }

    /// <summary>The 1-based line in <see cref="Path"/> (its plaintext), when known.</summary>
    public long? Line { get; }
}
