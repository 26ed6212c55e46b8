using System.Text;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

public sealed class TpchResultWriterTests
{
    private static readonly TpchQueryResult Sample = new(
        3,
        ["l_orderkey", "revenue", "note"],
        [["2456423", "406181.01", "plain"], ["7", "0.50", "has | bar and \"quote\""], ["8", "", "line\nbreak"]],
        TimeSpan.FromMilliseconds(5));

    [Fact]
    public async Task WriteCsvAsync_Result_WritesHeaderAndPipeSeparatedRows()
    {
        using var stream = new MemoryStream();

        await TpchResultWriter.WriteCsvAsync(Sample, stream, TestContext.Current.CancellationToken);

        Assert.True(stream.CanWrite, "the destination stays open");
        Assert.Equal(
            "l_orderkey|revenue|note\n2456423|406181.01|plain\n7|0.50|\"has | bar and \"\"quote\"\"\"\n8||\"line\nbreak\"\n",
            Encoding.UTF8.GetString(stream.ToArray()));
        Assert.NotEqual(0xEF, stream.ToArray()[0]);
    }

    [Fact]
    public async Task WriteCsvFilesAsync_Results_WritesQnnCsvAndNoTemporaries()
    {
        using var directory = new TempDirectory();

        IReadOnlyList<string> paths = await TpchResultWriter.WriteCsvFilesAsync([Sample, Sample with { Query = 12 }], directory.Combine("out"), TestContext.Current.CancellationToken);

        Assert.Equal([directory.Combine("out", "q03.csv"), directory.Combine("out", "q12.csv")], paths);
        Assert.Equal(["q03.csv", "q12.csv"], Directory.GetFiles(directory.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("l_orderkey|revenue|note\n", await File.ReadAllTextAsync(paths[0], TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "q01.csv")]
    [InlineData(22, "q22.csv")]
    public void GetFileName_Query_IsTwoDigits(int query, string expected)
    {
        Assert.Equal(expected, TpchResultWriter.GetFileName(query));
    }
}
