namespace Ppml.Kms;

/// <summary>A key operation was refused or failed: unknown key, bad name, wrong password, corrupted wrapped key.</summary>
public sealed class KmsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">A stable machine-readable reason (see <see cref="KmsErrorCode"/>).</param>
    /// <param name="message">A one-line, actionable message without key material.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KmsException(KmsErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The reason.</summary>
    public KmsErrorCode Code { get; }
}
