namespace Ppml.Workloads.Files;

/// <summary>
/// One file of a <see cref="ProtectedTree"/> failed; <see cref="Exception.InnerException"/> is the cause, and the message
/// names the file.
/// </summary>
public sealed class ProtectedFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The input file that failed.</param>
    /// <param name="innerException">The cause.</param>
    public ProtectedFileException(string path, Exception innerException)
        : base(Describe(path, innerException), innerException)
    {
        FilePath = path;
    }

    /// <summary>The input file that failed.</summary>
    public string FilePath { get; }

    /// <summary>A message that names <paramref name="path"/>: <paramref name="message"/> if it already does, otherwise prefixed with it.</summary>
    /// <param name="path">The input file.</param>
    /// <param name="message">The cause's message.</param>
    /// <returns>The message naming the file.</returns>
    public static string NameFile(string path, string message)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(message);
        return message.Contains(path, StringComparison.Ordinal) ? message : $"'{path}': {message}";
    }

    private static string Describe(string path, Exception innerException)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        return NameFile(path, innerException.Message);
    }
}
