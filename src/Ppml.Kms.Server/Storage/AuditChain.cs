using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ppml.Kms.Server.Storage;

/// <summary>
/// The audit log's hash chain: hash(n) = SHA-256(hash(n-1) || seq || at || app || action || target || result), each
/// string length-prefixed (UTF-8, 32-bit big endian), seq and at 64-bit big endian, hash(0) = 32 zero bytes. Changing,
/// removing or reordering any record breaks every later hash.
/// </summary>
internal static class AuditChain
{
    public static byte[] Genesis { get; } = new byte[32];

    public static byte[] Next(ReadOnlySpan<byte> previous, long sequence, long atMilliseconds, string application, string action, string target, string result)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, atMilliseconds);
        hash.AppendData(number);
        Append(hash, application);
        Append(hash, action);
        Append(hash, target);
        Append(hash, result);
        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
