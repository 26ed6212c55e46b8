using System.Runtime.CompilerServices;

namespace Ppml.Data.Spill;

/// <summary>
/// What is known about one spill file: every write that is still readable, by offset — its length, the counter that made
/// its nonce, and its authentication tag. Not thread-safe: the caller locks the instance.
/// </summary>
/// <remarks>
/// A later write that overlaps an earlier one (even by one byte) invalidates the earlier one: the bytes it did not
/// overwrite can no longer be authenticated (the tag covers the whole write), so reading them fails instead of returning
/// something unauthenticated.
/// </remarks>
internal sealed class SpillWrites
{
    private readonly List<long> _starts = [];
    private readonly List<SpillWrite> _writes = [];

    /// <summary>The number of writes that can be read back.</summary>
    public int Count => _starts.Count;

    /// <summary>Records a write of <paramref name="write"/>.Length bytes at <paramref name="write"/>.Offset, invalidating every record it overlaps.</summary>
    public void Add(in SpillWrite write)
    {
        Invalidate(write.Offset, write.Length);
        int index = _starts.BinarySearch(write.Offset);
        index = index < 0 ? ~index : index;
        _starts.Insert(index, write.Offset);
        _writes.Insert(index, write);
    }

    /// <summary>Forgets every record that overlaps [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>).</summary>
    public void Invalidate(long offset, long length)
    {
        long end = offset + length;
        int index = Floor(offset);
        if (index < 0)
        {
            index = 0;
        }
        else if (_writes[index].End <= offset)
        {
            index++; // the record before ends before this range
        }

        int count = 0;
        while (index + count < _starts.Count && _starts[index + count] < end)
        {
            count++;
        }

        if (count > 0)
        {
            _starts.RemoveRange(index, count);
            _writes.RemoveRange(index, count);
        }
    }

    /// <summary>Forgets every record with a byte at or past <paramref name="length"/> (the file was truncated there).</summary>
    public void Truncate(long length)
    {
        int index = _starts.Count;
        while (index > 0 && _writes[index - 1].End > length)
        {
            index--;
        }

        _starts.RemoveRange(index, _starts.Count - index);
        _writes.RemoveRange(index, _writes.Count - index);
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _starts.Clear();
        _writes.Clear();
    }

    /// <summary>Finds the write that contains byte <paramref name="offset"/>.</summary>
    public bool TryFind(long offset, out SpillWrite write)
    {
        int index = Floor(offset);
        if (index >= 0 && _writes[index].End > offset)
        {
            write = _writes[index];
            return true;
        }

        write = default;
        return false;
    }

    /// <summary>The index of the last record starting at or before <paramref name="offset"/>, or -1.</summary>
    private int Floor(long offset)
    {
        int index = _starts.BinarySearch(offset);
        return index >= 0 ? index : ~index - 1;
    }
}

/// <summary>One encrypted write: where, how long, its nonce counter and its GCM tag.</summary>
internal readonly struct SpillWrite
{
    private readonly SpillTag _tag;

    public SpillWrite(long offset, long length, ulong counter, ReadOnlySpan<byte> tag)
    {
        Offset = offset;
        Length = length;
        Counter = counter;
        tag.CopyTo(_tag);
    }

    public long Offset { get; }

    public long Length { get; }

    public long End => Offset + Length;

    /// <summary>The process-wide write counter that, with the file id, is this write's nonce.</summary>
    public ulong Counter { get; }

    /// <summary>Copies the 16-byte GCM tag to <paramref name="destination"/>.</summary>
    public void CopyTagTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_tag).CopyTo(destination);
}

/// <summary>A GCM tag, stored inline (no allocation per write).</summary>
[InlineArray(16)]
internal struct SpillTag
{
    private byte _element;
}
