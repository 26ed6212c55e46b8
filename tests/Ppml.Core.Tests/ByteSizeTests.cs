namespace Ppml.Core.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("4GB", 4_000_000_000)]
    [InlineData("512MB", 512_000_000)]
    [InlineData("3GiB", 3L << 30)]
    [InlineData("1.5 GB", 1_500_000_000)]
    [InlineData(" 64mib ", 64L << 20)]
    [InlineData("1000000 bytes", 1_000_000)]
    [InlineData("2k", 2000)]
    [InlineData("1TiB", 1L << 40)]
    public void TryParse_DuckDbSizes_ReturnBytes(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("4XB")]
    [InlineData("GB")]
    [InlineData("-1GB")]
    [InlineData("0GB")]
    [InlineData("1.2.3GB")]
    [InlineData("99999999999TB")]
    public void TryParse_NotASize_ReturnsFalse(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ByteSize.Parse(text));
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L << 30, "3 GiB")]
    public void Format_Bytes_UsesBinaryUnits(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
