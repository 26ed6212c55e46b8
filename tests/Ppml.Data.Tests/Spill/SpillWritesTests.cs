using Ppml.Data.Spill;

namespace Ppml.Data.Tests.Spill;

/// <summary>The per-file record table: which writes stay readable after overlaps and truncation.</summary>
public sealed class SpillWritesTests
{
    [Fact]
    public void Add_AdjacentWrites_BothStay()
    {
        var writes = new SpillWrites();
        writes.Add(Write(0, 100, 1));
        writes.Add(Write(100, 100, 2));
        writes.Add(Write(200, 100, 3));

        Assert.Equal(3, writes.Count);
        Assert.Equal(1UL, Find(writes, 99));
        Assert.Equal(2UL, Find(writes, 100));
        Assert.Equal(3UL, Find(writes, 299));
        Assert.False(writes.TryFind(300, out _));
    }

    [Fact]
    public void Add_OverlappingByOneByte_InvalidatesTheEarlierWrite()
    {
        var writes = new SpillWrites();
        writes.Add(Write(0, 100, 1));
        writes.Add(Write(99, 10, 2));

        Assert.Equal(1, writes.Count);
        Assert.False(writes.TryFind(0, out _));
        Assert.Equal(2UL, Find(writes, 99));
    }

    [Fact]
    public void Add_CoveringSeveralWrites_ReplacesThemAll_KeepsTheNeighbours()
    {
        var writes = new SpillWrites();
        for (int i = 0; i < 10; i++)
        {
            writes.Add(Write(i * 100, 100, (ulong)i));
        }

        writes.Add(Write(250, 400, 99)); // overlaps writes 2..6

        Assert.Equal(6, writes.Count);
        Assert.Equal(1UL, Find(writes, 199));
        Assert.False(writes.TryFind(200, out _));
        Assert.Equal(99UL, Find(writes, 250));
        Assert.Equal(99UL, Find(writes, 649));
        Assert.False(writes.TryFind(650, out _));
        Assert.Equal(7UL, Find(writes, 700));
    }

    [Fact]
    public void Add_SameSlotAgain_ReplacesIt()
    {
        var writes = new SpillWrites();
        writes.Add(Write(32768, 32768, 1));
        writes.Add(Write(32768, 32768, 2));

        Assert.Equal(1, writes.Count);
        Assert.Equal(2UL, Find(writes, 40000));
    }

    [Fact]
    public void Truncate_DropsEveryWriteWithABytePastTheLength()
    {
        var writes = new SpillWrites();
        writes.Add(Write(0, 100, 1));
        writes.Add(Write(100, 100, 2));
        writes.Add(Write(200, 100, 3));

        writes.Truncate(200);
        Assert.Equal(2, writes.Count);
        writes.Truncate(150);
        Assert.Equal(1, writes.Count);
        Assert.Equal(1UL, Find(writes, 0));
        writes.Truncate(0);
        Assert.Equal(0, writes.Count);
    }

    [Fact]
    public void Tag_IsKeptWithTheWrite()
    {
        byte[] tag = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        var writes = new SpillWrites();
        writes.Add(new SpillWrite(0, 10, 5, tag));

        Assert.True(writes.TryFind(3, out SpillWrite found));
        byte[] copy = new byte[16];
        found.CopyTagTo(copy);
        Assert.Equal(tag, copy);
    }

    private static SpillWrite Write(long offset, long length, ulong counter) => new(offset, length, counter, new byte[16]);

    private static ulong Find(SpillWrites writes, long offset)
    {
        Assert.True(writes.TryFind(offset, out SpillWrite write), $"no write covers {offset}");
        return write.Counter;
    }
}
