using System.Text;
using Ppml.Data.IO;
using Ppml.Data.Loading;
using Ppml.Testing;

namespace Ppml.Data.Tests.Regressions;

/// <summary>
/// Issue 12, "no second copy": delimited text reaches DuckDB in bounded chunks cut at row boundaries, so the decrypted
/// text held beside DuckDB's tables is a few chunks whatever the table's size (it was the whole table, plus the next one
/// prepared in overlap: +7.3 GiB of LINEITEM text at SF 10).
/// </summary>
public sealed class Issue12_BoundedLoading : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public Issue12_BoundedLoading(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("a\"b\nc\"d\ne", 0, 7)]   // the first line feed is inside quotes
    [InlineData("\"x\"\"\ny\"\nz", 0, 7)] // a doubled quote inside a quoted field
    [InlineData("abc\ndef", 4, -1)]
    [InlineData("abc\ndef\n", 4, 7)]
    public void FindRowBoundary_SkipsLineFeedsInsideQuotes(string text, int from, int expected)
    {
        bool inside = false;
        int found = TextChunker.FindRowBoundary(Encoding.ASCII.GetBytes(text), from, quoted: true, ref inside);

        Assert.Equal(expected, found);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(4096)]
    public async Task Csv_TinyChunks_LoadExactlyWhatOneChunkLoads(long chunkBytes)
    {
        using var temp = new TempDirectory();
        // Three encrypted parts with headers, quoted fields holding commas, doubled quotes and line feeds, no final newline in the last.
        var expected = new StringBuilder();
        for (int part = 0; part < 3; part++)
        {
            var csv = new StringBuilder("id,name,note\n");
            for (int i = 0; i < 200; i++)
            {
                int id = (part * 1000) + i;
                csv.Append(id).Append(",\"n, ").Append(id).Append("\",\"line1\nline2 \"\"q\"\" ").Append(id).Append('"');
                if (part < 2 || i < 199)
                {
                    csv.Append('\n');
                }
            }

            DataFiles.Write(temp.Combine("plain", $"part-{part}.csv"), csv.ToString());
            await DataFiles.EncryptAsync(_fixture.Kms, temp.Combine("plain", $"part-{part}.csv"), temp.Combine("enc", $"part-{part}.csv.ppml"));
        }

        string whole = await LoadRowsAsync(temp.Combine("enc"), DatasetFormat.Csv, DatasetReadOptions.Default, PpmlContextOptions.DefaultLoadChunkBytes);
        string chunked = await LoadRowsAsync(temp.Combine("enc"), DatasetFormat.Csv, DatasetReadOptions.Default, chunkBytes);

        Assert.Equal(whole, chunked);
        Assert.Equal(1200, whole.Split('\n').Length); // 600 rows, each with a line feed inside a field
        Assert.Contains("2199|n, 2199|line1\nline2 \"q\" 2199", whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tbl_TinyChunks_KeepRowOrderAcrossChunksAndParts()
    {
        using var temp = new TempDirectory();
        for (int part = 0; part < 2; part++)
        {
            var tbl = new StringBuilder();
            for (int i = 0; i < 500; i++)
            {
                tbl.Append((part * 500) + i).Append("|name ").Append(i).Append("|\n");
            }

            DataFiles.Write(temp.Combine("plain", $"t.tbl.{part + 1}"), tbl.ToString());
            await DataFiles.EncryptAsync(_fixture.Kms, temp.Combine("plain", $"t.tbl.{part + 1}"), temp.Combine("enc", $"t.tbl.{part + 1}.ppml"));
        }

        var options = new DatasetReadOptions { Schema = [new DatasetColumn("id", "INTEGER"), new DatasetColumn("name", "VARCHAR")] };
        await using PpmlContext context = await OpenAsync(chunkBytes: 33);
        await context.RegisterTableAsync("t", temp.Combine("enc"), DatasetFormat.Tbl, options, Token);

        // Insertion order is the parts' order, row by row: row_number matches id everywhere.
        QueryResult result = await context.QueryAsync("SELECT count(*), count(*) FILTER (WHERE id = rn - 1) FROM (SELECT id, row_number() OVER () AS rn FROM t)", Token);
        Assert.Equal(1000L, result.Rows[0][0]);
        Assert.Equal(1000L, result.Rows[0][1]);
    }

    [Fact]
    public async Task BadRowInALaterChunk_NamesThePartAndLine_AndLeavesTheOldTable()
    {
        using var temp = new TempDirectory();
        var csv = new StringBuilder("id,v\n");
        for (int i = 1; i <= 1000; i++)
        {
            csv.Append(i).Append(',').Append(i == 900 ? "x,y" : "1").Append('\n'); // line 901 has a field too many
        }

        string plain = DataFiles.Write(temp.Combine("a.csv"), csv.ToString());
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        DataFiles.Write(temp.Combine("good.csv"), "id,v\n1,2\n");
        var options = new DatasetReadOptions { Schema = [new DatasetColumn("id", "INTEGER"), new DatasetColumn("v", "INTEGER")] };
        await using PpmlContext context = await OpenAsync(chunkBytes: 256);
        await context.RegisterTableAsync("a", temp.Combine("good.csv"), DatasetFormat.Csv, options, Token);

        DatasetException failure = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("a", encrypted, DatasetFormat.Csv, options, Token));

        Assert.Equal(encrypted, failure.Path);
        Assert.Equal(901, failure.Line);
        Assert.Equal("1|2", DataFiles.Rows(await context.QueryAsync("SELECT * FROM a", Token)));
    }

    [Fact]
    public async Task LargeTable_DecryptedTextInMemoryStaysWithinAFewChunks()
    {
        Require.Service(MemoryFile.IsSupported, "memory files are Linux-only", "Run it on Linux (x64 or arm64), where CI runs.");
        using var temp = new TempDirectory();
        const long ChunkBytes = 2 << 20;
        string plain = temp.Combine("big.tbl");
        using (var writer = new StreamWriter(plain))
        {
            for (int i = 0; i < 1_200_000; i++)
            {
                writer.Write(i);
                writer.Write("|some text to make the row longer ");
                writer.Write(i % 977);
                writer.Write("|\n");
            }
        }

        long size = new FileInfo(plain).Length;
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        File.Delete(plain);
        var options = new DatasetReadOptions { Schema = [new DatasetColumn("id", "INTEGER"), new DatasetColumn("note", "VARCHAR")] };
        await using PpmlContext context = await OpenAsync(ChunkBytes);

        long peak = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(
            async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, MemoryFileBytes());
                    await Task.Delay(2, CancellationToken.None);
                }
            },
            CancellationToken.None);
        TableInfo table = await context.RegisterTableAsync("big", encrypted, DatasetFormat.Tbl, options, Token);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(1_200_000, table.Rows);
        Assert.True(size > 20 * ChunkBytes, $"the table ({size} bytes) must be many chunks long");
        Assert.True(peak > 0, "the sampler saw no memory file: it measured nothing");
        Assert.True(peak <= TableLoadPipeline.ChunksInFlight * (ChunkBytes + (64 << 10)), $"peak decrypted text in memory {peak} bytes for a {size}-byte table");
    }

    /// <summary>The bytes held in this process's memory files, from <c>/proc/self/fd</c>.</summary>
    private static long MemoryFileBytes()
    {
        long total = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("/memfd:ppml-", StringComparison.Ordinal))
                {
                    total += new FileInfo(fd).Length;
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return total;
    }

    private async Task<string> LoadRowsAsync(string path, DatasetFormat format, DatasetReadOptions options, long chunkBytes)
    {
        await using PpmlContext context = await OpenAsync(chunkBytes);
        await context.RegisterTableAsync("t", path, format, options, Token);
        return DataFiles.Rows(await context.QueryAsync("SELECT * FROM t", Token));
    }

    private Task<PpmlContext> OpenAsync(long chunkBytes) =>
        PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { Transport = DecryptedInputTransport.MemoryFile, MemoryLimit = "1GB", LoadChunkBytes = chunkBytes }, Token);
}
