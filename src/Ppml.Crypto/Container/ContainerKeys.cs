using System.Security.Cryptography;

namespace Ppml.Crypto.Container;

/// <summary>
/// Key schedule of format v1: PRK = HKDF-Extract(salt, dataKey); the segment key and the header key are
/// HKDF-Expand(PRK, label, 32) with distinct labels. A fresh random salt per file makes every file's keys
/// independent even when many files share one data key.
/// </summary>
internal static class ContainerKeys
{
    public static void Derive(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> salt, Span<byte> segmentKey, Span<byte> headerKey)
    {
        Span<byte> prk = stackalloc byte[ContainerFormat.KeySize];
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA256, dataKey, salt, prk);
            HKDF.Expand(HashAlgorithmName.SHA256, prk, segmentKey, ContainerFormat.SegmentKeyInfo);
            HKDF.Expand(HashAlgorithmName.SHA256, prk, headerKey, ContainerFormat.HeaderKeyInfo);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>Computes HMAC-SHA256(headerKey, authenticatedBytes) into <paramref name="tag"/> (32 bytes).</summary>
    public static void ComputeHeaderTag(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> authenticatedBytes, Span<byte> tag)
    {
        Span<byte> segmentKey = stackalloc byte[ContainerFormat.KeySize];
        Span<byte> headerKey = stackalloc byte[ContainerFormat.KeySize];
        try
        {
            Derive(dataKey, salt, segmentKey, headerKey);
            HMACSHA256.HashData(headerKey, authenticatedBytes, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(segmentKey);
            CryptographicOperations.ZeroMemory(headerKey);
        }
    }

    public static void CheckDataKey(ReadOnlySpan<byte> dataKey, string parameterName)
    {
        if (dataKey.Length != PpmlContainer.DataKeySize)
        {
            throw new ArgumentException($"A container data key is {PpmlContainer.DataKeySize} bytes; found {dataKey.Length}.", parameterName);
        }
    }
}
