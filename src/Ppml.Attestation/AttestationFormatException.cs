namespace Ppml.Attestation;

/// <summary>
/// The one exception that untrusted attestation input (quotes, certificates, CRLs, TCB Info, QE Identity, collateral
/// bundles, policies) raises when it is malformed. The message names the input, the field and, for binary input, the
/// byte offset; it never contains key material.
/// </summary>
public sealed class AttestationFormatException : FormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public AttestationFormatException()
        : base("Attestation input is malformed.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong, where, and what was expected.</param>
    public AttestationFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What is wrong, where, and what was expected.</param>
    /// <param name="innerException">The parser error that revealed the problem.</param>
    public AttestationFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that names the malformed <paramref name="field"/> and its byte <paramref name="offset"/>.</summary>
    /// <param name="message">What is wrong, where, and what was expected.</param>
    /// <param name="field">The field, for example <c>signatureData.qeAuthenticationData.size</c>.</param>
    /// <param name="offset">Byte offset of the field in the input, or <see langword="null"/> for text formats.</param>
    /// <param name="innerException">The parser error that revealed the problem, if any.</param>
    public AttestationFormatException(string message, string field, long? offset, Exception? innerException = null)
        : base(message, innerException)
    {
        Field = field;
        Offset = offset;
    }

    /// <summary>The malformed field, when known.</summary>
    public string? Field { get; }

    /// <summary>Byte offset of <see cref="Field"/> in the binary input, when the input is binary.</summary>
    public long? Offset { get; }
}
