using System.Buffers.Binary;

namespace Ppml.Crypto.Container;

/// <summary>
/// Byte layout of container format v1 (docs/formats/ppml-container-v1.md). All integers are big-endian.
/// </summary>
internal static class ContainerFormat
{
    public const ushort Version1 = 1;

    public const int MagicOffset = 0;
    public const int VersionOffset = 8;
    public const int AlgorithmOffset = 10;
    public const int SegmentSizeOffset = 12;
    public const int KeyVersionOffset = 16;
    public const int KeyReferenceLengthOffset = 20;
    public const int WrappedKeyLengthOffset = 22;
    public const int SaltOffset = 24;
    public const int NoncePrefixOffset = 56;

    /// <summary>Length of the fixed part; the key reference follows it.</summary>
    public const int FixedLength = 63;

    public const int SaltSize = 32;
    public const int NoncePrefixSize = 7;
    public const int HeaderTagSize = 32;
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const int AssociatedDataSize = 32;

    /// <summary>Header bytes other than the key reference and wrapped key: fixed part plus tag.</summary>
    public const int HeaderOverhead = FixedLength + HeaderTagSize;

    /// <summary>
    /// Segment indexes are 32-bit in the nonce, so a container holds at most 2^32 segments
    /// (the last index is <see cref="uint.MaxValue"/>).
    /// </summary>
    public const long MaxSegmentCount = 1L << 32;

    public const byte NonFinalFlag = 0x00;
    public const byte FinalFlag = 0x01;

    /// <summary>HKDF-Expand info for the AES-256-GCM segment key.</summary>
    public static ReadOnlySpan<byte> SegmentKeyInfo => "PPML container v1 AES-256-GCM segment key"u8;

    /// <summary>HKDF-Expand info for the HMAC-SHA256 header key.</summary>
    public static ReadOnlySpan<byte> HeaderKeyInfo => "PPML container v1 HMAC-SHA256 header key"u8;

    /// <summary>0x89 'P' 'P' 'M' 'L' CR LF 0x1A: non-ASCII first byte and CR LF catch text-mode transfers (as PNG does).</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, 0x50, 0x50, 0x4D, 0x4C, 0x0D, 0x0A, 0x1A];

    /// <summary>Writes the 12-byte nonce of segment <paramref name="index"/>: prefix(7) || index(uint32 BE) || final flag(1).</summary>
    public static void WriteNonce(Span<byte> nonce, ReadOnlySpan<byte> noncePrefix, long index, bool isFinal)
    {
        // Callers check the index against MaxSegmentCount first; this guards the invariant.
        if ((ulong)index > uint.MaxValue)
        {
            throw new InvalidOperationException($"Segment index {index} does not fit the 32-bit nonce counter.");
        }

        noncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NoncePrefixSize, 4), (uint)index);
        nonce[NonceSize - 1] = isFinal ? FinalFlag : NonFinalFlag;
    }
}
