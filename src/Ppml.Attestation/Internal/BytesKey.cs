namespace Ppml.Attestation.Internal;

/// <summary>A dictionary key made of exact bytes: equality is byte-for-byte, never a digest.</summary>
internal readonly struct BytesKey : IEquatable<BytesKey>
{
    private readonly byte[] _bytes;
    private readonly int _hash;

    public BytesKey(byte[] bytes)
    {
        _bytes = bytes;
        var hash = new HashCode();
        hash.AddBytes(bytes);
        _hash = hash.ToHashCode();
    }

    public static BytesKey Concat(params ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        int length = 0;
        foreach (ReadOnlyMemory<byte> part in parts)
        {
            length += part.Length + 4;
        }

        byte[] key = new byte[length];
        int offset = 0;
        foreach (ReadOnlyMemory<byte> part in parts)
        {
            // Length-prefix every part so that ("ab","c") and ("a","bc") never collide.
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(key.AsSpan(offset), part.Length);
            offset += 4;
            part.Span.CopyTo(key.AsSpan(offset));
            offset += part.Length;
        }

        return new BytesKey(key);
    }

    public bool Equals(BytesKey other) =>
        _hash == other._hash && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is BytesKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
