using System.Security.Cryptography;

namespace Ppml.Kms.Server.Security;

/// <summary>
/// API keys: <c>ppmlk.&lt;key id: 12 hex&gt;.&lt;secret: 256 random bits, base64url&gt;</c>. The key id finds the application;
/// the server stores only SHA-256(secret) and compares in constant time. A plain hash suffices (unlike passwords)
/// because the secret has 256 bits of entropy: there is nothing to guess.
/// </summary>
internal static class ApiKeys
{
    public const string Prefix = "ppmlk";
    private const int KeyIdBytes = 6;
    private const int SecretBytes = 32;
    private static readonly System.Buffers.SearchValues<char> s_alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static (string KeyId, byte[] Secret, string ApiKey) Generate()
    {
        string keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdBytes));
        byte[] secret = RandomNumberGenerator.GetBytes(SecretBytes);
        return (keyId, secret, $"{Prefix}.{keyId}.{System.Buffers.Text.Base64Url.EncodeToString(secret)}");
    }

    /// <summary>Splits an API key; false when it is not of the form above.</summary>
    public static bool TryParse(ReadOnlySpan<char> apiKey, out string keyId, out byte[] secret)
    {
        keyId = string.Empty;
        secret = [];
        int first = apiKey.IndexOf('.');
        if (first < 0 || !apiKey[..first].SequenceEqual(Prefix))
        {
            return false;
        }

        ReadOnlySpan<char> rest = apiKey[(first + 1)..];
        int second = rest.IndexOf('.');
        if (second != KeyIdBytes * 2)
        {
            return false;
        }

        ReadOnlySpan<char> encoded = rest[(second + 1)..];
        byte[] decoded = new byte[SecretBytes];
        if (encoded.Length != 43 || encoded.ContainsAnyExcept(s_alphabet))
        {
            return false;
        }

        // 43 characters carry 258 bits for 256: the last character's two low bits must be zero (canonical encoding).
        // The decoder throws on a non-canonical string rather than returning false, and a caller's typo is not a 500.
        if ((Base64UrlValue(encoded[^1]) & 0b11) != 0)
        {
            return false;
        }

        if (!System.Buffers.Text.Base64Url.TryDecodeFromChars(encoded, decoded, out int written) || written != SecretBytes)
        {
            return false;
        }

        keyId = rest[..second].ToString();
        secret = decoded;
        return true;
    }

    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };

    /// <summary>Whether SHA-256(<paramref name="secret"/>) equals <paramref name="expectedHash"/> (constant time).</summary>
    public static bool Matches(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> expectedHash)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(secret, hash);
        return CryptographicOperations.FixedTimeEquals(hash, expectedHash);
    }
}
