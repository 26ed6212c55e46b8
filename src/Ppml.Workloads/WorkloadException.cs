namespace Ppml.Workloads;

/// <summary>
/// A workload cannot start or go on, for a reason phrased for the user (one line naming the input, the rule and the
/// fix). <see cref="IsInvalidInput"/> separates bad input (a command's exit code 2) from a refusal or failure (1).
/// </summary>
public sealed class WorkloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="isInvalidInput">Whether the caller gave bad input (rather than the environment refusing).</param>
    /// <param name="innerException">The cause.</param>
    public WorkloadException(string message, bool isInvalidInput = false, Exception? innerException = null)
        : base(message, innerException)
    {
        IsInvalidInput = isInvalidInput;
    }

    /// <summary>Whether the input was invalid (exit code 2 in the CLI), rather than refused or failed (1).</summary>
    public bool IsInvalidInput { get; }
}
