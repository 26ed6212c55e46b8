using System.Security.Cryptography;

namespace Ppml.Crypto.Aead;

/// <summary>
/// A sealed value or wrapped data key was refused: it did not authenticate (wrong key, wrong associated data or
/// domain, or modified), it is truncated, or its format byte is unknown. Nothing was released: any output buffer was
/// zeroed before this was thrown. The message names what failed (the domain, key name or version); it never contains
/// key material or plaintext.
/// </summary>
public sealed class AeadAuthenticationException : CryptographicException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AeadAuthenticationException()
        : base("A sealed value failed authentication.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed; never key material or plaintext.</param>
    public AeadAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed; never key material or plaintext.</param>
    /// <param name="innerException">The underlying failure.</param>
    public AeadAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
