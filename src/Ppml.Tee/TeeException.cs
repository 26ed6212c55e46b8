namespace Ppml.Tee;

/// <summary>The TEE is unavailable, misbehaves, or refuses (for example, simulation in production, a tampered trusted file).</summary>
public sealed class TeeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One actionable line.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TeeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
