using Ppml.Crypto.Aead;

namespace Ppml.Kms.Server.Crypto;

/// <summary>
/// Wraps 256-bit data keys under a primary key version with <see cref="DataKeyWrap"/> (docs/formats/data-key-wrap-v3.md):
/// new wraps are format 3, <c>3 || salt(32) || ciphertext(32) || tag(16)</c>, under a one-time key derived per wrap,
/// bound to the key name and version. Keys this server wrapped before (format 2, random nonce) still unwrap.
/// </summary>
internal static class DataKeyWrapping
{
    public const int DataKeySize = DataKeyWrap.DataKeySize;
    public const byte Format = DataKeyWrap.Format;
    public const int WrappedSize = DataKeyWrap.WrappedSize;

    public static byte[] Wrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> dataKey) =>
        DataKeyWrap.Wrap(primary, keyName, keyVersion, dataKey);

    /// <summary>Unwraps format 3 or 2; throws <see cref="KmsException"/> (<see cref="KmsErrorCode.UnwrapFailed"/>) for anything that does not authenticate.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> primary, string keyName, int keyVersion, ReadOnlySpan<byte> wrapped)
    {
        try
        {
            return DataKeyWrap.Unwrap(primary, keyName, keyVersion, wrapped);
        }
        catch (AeadAuthenticationException exception)
        {
            // The message names the field, the key and version and what was found; never key material.
            throw new KmsException(KmsErrorCode.UnwrapFailed, $"Field 'wrappedKey': {exception.Message}", exception);
        }
    }
}
