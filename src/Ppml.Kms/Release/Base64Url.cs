namespace Ppml.Kms.Release;

/// <summary>Base64url (RFC 4648 §5, no padding) with errors that name the field.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string text, string field)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text);
        }
        catch (FormatException exception)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"{field} is not valid base64url.", exception);
        }
    }
}
