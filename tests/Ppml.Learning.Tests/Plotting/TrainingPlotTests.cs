using System.Buffers.Binary;
using System.IO.Compression;
using Ppml.Learning.Plotting;
using Ppml.Learning.Training;

namespace Ppml.Learning.Tests.Plotting;

public sealed class TrainingPlotTests
{
    [Fact]
    public void Crc32_StandardCheckValue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void RenderPng_ThreeEpochs_IsAValidPngWithBothSeries()
    {
        EpochResult[] epochs =
        [
            new(1, 0.35, new Accuracy(9488, 10000), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(1), 60000),
            new(2, 0.12, new Accuracy(9696, 10000), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(1), 60000),
            new(3, 0.08, new Accuracy(9790, 10000), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(1), 60000),
        ];

        byte[] png = TrainingPlot.RenderPng(epochs);

        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = new List<(string Type, byte[] Data)>();
        int offset = 8;
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            byte[] data = png.AsSpan(offset + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.Compute(png.AsSpan(offset + 4, length + 4)), crc);
            chunks.Add((type, data));
            offset += 12 + length;
        }

        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        byte[] header = chunks[0].Data;
        int width = BinaryPrimitives.ReadInt32BigEndian(header);
        int height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal((960, 360, (byte)8, (byte)2), (width, height, header[8], header[9]));

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        byte[] raster = inflated.ToArray();
        Assert.Equal(height * (1 + (width * 3)), raster.Length);
        int lossPixels = 0;
        int accuracyPixels = 0;
        for (int y = 0; y < height; y++)
        {
            int row = y * (1 + (width * 3));
            Assert.Equal(0, raster[row]);
            for (int x = 0; x < width; x++)
            {
                int p = row + 1 + (x * 3);
                lossPixels += raster[p] == 214 && raster[p + 1] == 39 && raster[p + 2] == 40 && x < 480 ? 1 : 0;
                accuracyPixels += raster[p] == 31 && raster[p + 1] == 119 && raster[p + 2] == 180 && x >= 480 ? 1 : 0;
            }
        }

        Assert.True(lossPixels > 500, $"loss pixels {lossPixels}");
        Assert.True(accuracyPixels > 500, $"accuracy pixels {accuracyPixels}");
    }

    [Fact]
    public void RenderPng_DivergedLoss_StillRenders()
    {
        byte[] png = TrainingPlot.RenderPng(
        [
            new(1, 2.3, new Accuracy(1000, 10000), TimeSpan.Zero, TimeSpan.Zero, 60000),
            new(2, double.NaN, new Accuracy(980, 10000), TimeSpan.Zero, TimeSpan.Zero, 60000),
            new(3, double.PositiveInfinity, new Accuracy(980, 10000), TimeSpan.Zero, TimeSpan.Zero, 60000),
        ]);
        Assert.Equal(0x89, png[0]);
    }

    [Fact]
    public async Task WritePngAsync_SingleEpoch_Writes()
    {
        using var stream = new MemoryStream();
        await TrainingPlot.WritePngAsync(
            [new(1, 0.3, new Accuracy(9000, 10000), TimeSpan.Zero, TimeSpan.Zero, 6000)], stream, TestContext.Current.CancellationToken);
        Assert.True(stream.Length > 1000);
    }
}
