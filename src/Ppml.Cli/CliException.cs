namespace Ppml.Cli;

/// <summary>A failure already phrased for the user: one line, and the exit code to return.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.InvalidInput, message);

    public static CliException Failure(string message) => new(ExitCodes.Failure, message);
}
