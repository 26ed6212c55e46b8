namespace Ppml.Quickstart;

/// <summary>A step of the tour saw something that must never happen (plaintext left behind, a tampered file accepted, a wrong answer).</summary>
public sealed class QuickstartException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the step saw, in one line.</param>
    public QuickstartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public QuickstartException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the step saw.</param>
    /// <param name="innerException">The cause.</param>
    public QuickstartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
