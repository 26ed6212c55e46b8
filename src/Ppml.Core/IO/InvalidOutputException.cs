namespace Ppml.Core.IO;

/// <summary>
/// An output path that cannot be written as asked: a file name that names a directory (<c>out/</c>), a dangling symbolic
/// link, a block device or a socket. The message names the path and what to do; nothing was written.
/// </summary>
public sealed class InvalidOutputException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InvalidOutputException()
    {
    }

    /// <summary>Creates the exception with a message that names the path.</summary>
    /// <param name="message">The message.</param>
    public InvalidOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
