using System.Text.Json;
using Ppml.Crypto.Container;
using Ppml.Data.Tables;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Tests.Handlers;

public class TpchGenHandlerTests : IClassFixture<TpchDataFixture>
{
    private readonly TpchDataFixture _data;

    public TpchGenHandlerTests(TpchDataFixture data)
    {
        _data = data;
    }

    [Fact]
    public async Task Gen_Plain_WritesTheGeneratorsTblFilesByteForByte()
    {
        var expected = new Dictionary<string, MemoryStream>();
        await TpchGenerator.GenerateAsync(
            new TpchGenerationOptions { ScaleFactor = TpchDataFixture.ScaleFactor },
            (part, _) => ValueTask.FromResult<Stream>(expected[part.FileName] = new MemoryStream()),
            (_, _, _) => ValueTask.CompletedTask,
            cancellationToken: TestContext.Current.CancellationToken);

        string[] files = [.. Directory.EnumerateFileSystemEntries(_data.Plain).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        // The dbgen files, and the schema file that lets 'ppml sql' read them without a hand-typed schema (issue 11).
        Assert.Equal(expected.Keys.Append(TableSchemaFile.FileName).Order(StringComparer.Ordinal), files);
        foreach ((string name, MemoryStream content) in expected)
        {
            Assert.True(content.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_data.Plain, name))), name);
        }
    }

    [Fact]
    public async Task Gen_EncryptedParts_LayoutContainersAndSamePlaintext()
    {
        using CliHarness cli = _data.NewHarness();
        string[] expectedLayout =
        [
            .. TpchSchema.Tables
                .Where(t => t is not (TpchTable.Nation or TpchTable.Region))
                .SelectMany(t => Enumerable.Range(1, 3).Select(i => $"{TpchSchema.GetTableName(t)}/{TpchSchema.GetTableName(t)}.tbl.{i}.ppml")),
            "nation.tbl.ppml",
            "region.tbl.ppml",
        ];
        string[] layout =
        [
            .. Directory.EnumerateFiles(_data.Encrypted, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(_data.Encrypted, f))
                .Where(f => f != TableSchemaFile.FileName),
        ];

        CliResult decrypt = await cli.RunAsync("decrypt", "--in", _data.Encrypted, "--out", "decrypted");

        Assert.Equal(expectedLayout.Order(StringComparer.Ordinal), layout.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(_data.Encrypted, TableSchemaFile.FileName)));
        foreach (string relative in layout)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(_data.Encrypted, relative));
            Assert.True(PpmlContainer.LooksLikeContainer(bytes), relative);
            Assert.Equal(-1, bytes.AsSpan().IndexOf("Customer#000"u8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("|1996-"u8));
        }

        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        foreach (TpchTable table in TpchSchema.Tables)
        {
            string name = TpchSchema.GetTableName(table);
            byte[] joined = table is TpchTable.Nation or TpchTable.Region
                ? File.ReadAllBytes(cli.Temp.Combine("decrypted", name + ".tbl"))
                : [.. Enumerable.Range(1, 3).SelectMany(i => File.ReadAllBytes(cli.Temp.Combine("decrypted", name, $"{name}.tbl.{i}")))];
            Assert.True(joined.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_data.Plain, name + ".tbl"))), name);
        }
    }

    [Fact]
    public async Task Gen_EncryptedSinglePart_NamesFilesAsPpmlEncrypt()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "gen", "--sf", "0.001", "--out", "tiny", "--encrypt", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^Generated TPC-H SF 0\.001: 8 tables, [\d,]+ rows, .* in 8 part\(s\), encrypted with key 'primary', in .* s \(.* M rows/s, .* MB/s\): ", result.Output);
        Assert.Equal(
            TpchSchema.Tables.Select(t => TpchSchema.GetFileName(t) + ".ppml").Append(TableSchemaFile.FileName).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(cli.Temp.Combine("tiny")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["tiny"], Directory.GetFileSystemEntries(cli.Temp.Path, "tiny*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Gen_Json_OneObjectWithRowsPerTable()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "gen", "--sf", "0.001", "--out", "tiny", "--encrypt", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(0.001, root.GetProperty("scaleFactor").GetDouble());
        Assert.Equal("primary", root.GetProperty("key").GetString());
        Assert.Equal(8, root.GetProperty("parts").GetInt32());
        Assert.Equal(cli.Temp.Combine("tiny"), root.GetProperty("output").GetString());
        JsonElement tables = root.GetProperty("tableRows");
        Assert.Equal(1_500, tables.GetProperty("orders").GetInt64());
        Assert.Equal(25, tables.GetProperty("nation").GetInt64());
        Assert.Equal(tables.EnumerateObject().Sum(t => t.Value.GetInt64()), root.GetProperty("rows").GetInt64());
        Assert.True(Directory.EnumerateFiles(cli.Temp.Combine("tiny")).Sum(f => new FileInfo(f).Length) > root.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Gen_UnknownKey_FailsAndLeavesNothing()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "gen", "--sf", "0.001", "--out", "data", "--encrypt", "--key", "no-such-key");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-key", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Empty(Directory.GetFileSystemEntries(cli.Temp.Path, "data*"));
    }

    [Fact]
    public async Task Gen_ExistingOutput_RefusedWithoutForceReplacedWithForce()
    {
        using CliHarness cli = _data.NewHarness();
        Assert.Equal(0, (await cli.RunAsync("tpch", "gen", "--sf", "0.001", "--out", "data")).ExitCode);
        byte[] before = File.ReadAllBytes(cli.Temp.Combine("data", "lineitem.tbl"));

        CliResult refused = await cli.RunAsync("tpch", "gen", "--sf", "0.002", "--out", "data");
        CliResult forced = await cli.RunAsync("tpch", "gen", "--sf", "0.002", "--out", "data", "--encrypt", "--parts", "2", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists", refused.Error, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.False(File.Exists(cli.Temp.Combine("data", "lineitem.tbl")));
        Assert.True(File.Exists(cli.Temp.Combine("data", "lineitem", "lineitem.tbl.2.ppml")));
        Assert.NotEmpty(before);
        Assert.Equal(["data"], Directory.GetFileSystemEntries(cli.Temp.Path, "data*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Gen_ForceOnDirectoryWithOtherFiles_Refused()
    {
        using CliHarness cli = _data.NewHarness();
        cli.Write("mine/thesis.docx", "precious");

        CliResult result = await cli.RunAsync("tpch", "gen", "--sf", "0.001", "--out", "mine", "--force");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'thesis.docx', which is not a TPC-H table", result.Error, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(cli.Temp.Combine("mine", "thesis.docx")));
    }

    [Theory]
    [InlineData("--sf", "0.0005")]
    [InlineData("--sf", "1.5")]
    [InlineData("--sf", "-1")]
    [InlineData("--parts", "0")]
    [InlineData("--key", "primary")]
    public async Task Gen_BadArguments_Exit2(string option, string value)
    {
        using CliHarness cli = _data.NewHarness();
        string[] args = option == "--sf"
            ? ["tpch", "gen", "--out", "data", option, value]
            : ["tpch", "gen", "--sf", "0.001", "--out", "data", option, value];

        CliResult result = await cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Temp.Combine("data")));
    }
}
