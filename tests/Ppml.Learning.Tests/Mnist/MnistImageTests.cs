using System.Text;
using Ppml.Learning.Mnist;

namespace Ppml.Learning.Tests.Mnist;

public sealed class MnistImageTests
{
    private static readonly byte[] s_pixels = Enumerable.Range(0, 784).Select(i => (byte)(i % 251)).ToArray();

    [Fact]
    public void Decode_Raw784Bytes_ReturnsThem() => Assert.Equal(s_pixels, MnistImage.Decode(s_pixels, "digit.raw"));

    [Fact]
    public void Decode_PgmWithComment_ReturnsRaster()
    {
        byte[] pgm = [.. Encoding.ASCII.GetBytes("P5\n# a comment\n28 28\n255\n"), .. s_pixels];
        Assert.Equal(s_pixels, MnistImage.Decode(pgm, "digit.pgm"));
    }

    [Fact]
    public void Decode_PgmWithSmallMaxval_RescalesTo255()
    {
        byte[] raster = new byte[784];
        raster[0] = 15;
        raster[1] = 5;
        byte[] decoded = MnistImage.Decode([.. Encoding.ASCII.GetBytes("P5 28 28 15 "), .. raster], "digit.pgm");
        Assert.Equal(255, decoded[0]);
        Assert.Equal(85, decoded[1]);
    }

    [Fact]
    public void Decode_SingleImageIdx_ReturnsPixels()
    {
        byte[] idx = IdxBuilder.Images(1, pixel: i => s_pixels[i]);
        Assert.Equal(s_pixels, MnistImage.Decode(idx, "digit.idx"));
    }

    [Theory]
    [InlineData("P5\n27 28\n255\n", 784, "digit.pgm: PGM is 27x28, expected 28x28")]
    [InlineData("P5\n28 28\n65535\n", 784, "digit.pgm: PGM maxval is 65535, expected 1..255 (8-bit)")]
    [InlineData("P5\n28 28\n255\n", 700, "digit.pgm: PGM raster is 700 bytes, expected 784")]
    [InlineData("P5\n28 x\n", 0, "digit.pgm: PGM header has no number at offset 6")]
    public void Decode_BadPgm_IsRefused(string header, int rasterLength, string message)
    {
        var exception = Assert.Throws<LearningFormatException>(() => MnistImage.Decode([.. Encoding.ASCII.GetBytes(header), .. new byte[rasterLength]], "digit.pgm"));
        Assert.Equal(message, exception.Message);
    }

    [Fact]
    public void Decode_IdxWithTwoImages_IsRefused()
    {
        var exception = Assert.Throws<LearningFormatException>(() => MnistImage.Decode(IdxBuilder.Images(2), "two.idx"));
        Assert.Equal("two.idx: IDX3 holds 2 image(s) of 28x28, expected exactly one 28x28 image", exception.Message);
    }

    [Fact]
    public void Decode_UnknownContent_IsRefused()
    {
        var exception = Assert.Throws<LearningFormatException>(() => MnistImage.Decode(new byte[100], "digit.png"));
        Assert.Equal("digit.png: is 100 bytes and neither a binary PGM (P5), an IDX3 image file nor 784 raw bytes", exception.Message);
    }
}
