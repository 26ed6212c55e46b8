using System.Text.Json;
using Ppml.Cli.Tests.Handlers;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 11: <c>ppml sql</c> loaded every table before parsing the query and needed a hand-typed schema for what
/// <c>ppml tpch gen</c> wrote (item 12); <c>--format csv|json</c> required <c>--out</c> (item 9); empty SQL and bad option
/// values printed .NET exception text with exit 1 (item 10).
/// </summary>
public sealed class Issue11_Sql : IClassFixture<TpchDataFixture>
{
    private readonly TpchDataFixture _data;

    public Issue11_Sql(TpchDataFixture data)
    {
        _data = data;
    }

    private static string[] TableLines(CliResult result) =>
        [.. result.Error.Split('\n').Where(line => line.StartsWith("ppml: table ", StringComparison.Ordinal))];

    private static string[] AllTables(string directory) =>
        [.. new[] { "part", "supplier", "partsupp", "customer", "orders", "lineitem", "nation", "region" }.SelectMany(t => new[] { "--table", $"{t}={directory}" })];

    [Fact]
    public async Task Sql_InvalidQueryOverTpchGenOutput_FailsBeforeAnyTableIsLoaded()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync(["sql", "SELECT l_orderkey, count(*) FROM lineitem GROUP BY l_orderkeyy", .. AllTables(_data.Encrypted), "--require-encrypted"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Binder Error", result.Error, StringComparison.Ordinal);
        Assert.Empty(TableLines(result));
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Sql_NationAndRegion_LoadsOnlyThoseWithoutASchemaOption()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync(
            ["sql", "SELECT r_name, count(*) AS nations FROM nation JOIN region ON n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name", .. AllTables(_data.Encrypted), "--format", "csv"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("r_name,nations\nAFRICA,5\nAMERICA,5\nASIA,5\nEUROPE,5\nMIDDLE EAST,5\n", result.Output);
        Assert.Equal(["nation", "region"], TableLines(result).Select(line => line.Split(' ')[2].TrimEnd(':')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sql_DirectoryOfPartsAndPattern_AreOneTableEach()
    {
        using CliHarness cli = _data.NewHarness();
        string parts = Path.Combine(_data.Encrypted, "lineitem");

        CliResult result = await cli.RunAsync(
            "sql", "SELECT (SELECT count(*) FROM a) = (SELECT count(*) FROM b) AND (SELECT count(*) FROM a) > 0 AS same", "--table", $"a={parts}/", "--table", $"b={parts}/*.tbl.*.ppml", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("{\"same\":true}\n", result.Output);
        Assert.All(TableLines(result), line => Assert.Contains("3 part(s), 3 encrypted", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sql_JsonWithoutOut_PrintsOneObjectPerLineOnStdout()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("sql", "SELECT n_nationkey AS k, n_name AS name FROM nation WHERE n_nationkey < 3 ORDER BY k", "--table", $"nation={_data.Plain}", "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal([0, 1, 2], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("k").GetInt32()));
        Assert.DoesNotContain("ppml:", result.Output, StringComparison.Ordinal);
        Assert.Single(TableLines(result));
    }

    [Fact]
    public async Task Sql_JsonWithOut_PrintsOneCamelCaseObject()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("sql", "SELECT * FROM region", "--table", $"region={_data.Plain}", "--out", "r.csv", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Single(result.Output.TrimEnd('\n').Split('\n'));
        Assert.Equal(5, report.GetProperty("rows").GetInt64());
        Assert.Equal("csv", report.GetProperty("format").GetString());
        Assert.False(report.GetProperty("encrypted").GetBoolean());
        Assert.Equal("region", report.GetProperty("tables")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Sql_EmptyQuery_ExitsTwoWithOneLine(string query)
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("sql", query);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("ppml: error: The SQL query is empty; give a statement, for example: ppml sql \"SELECT 42\".\n", result.Error);
    }

    [Theory]
    [InlineData("--max-rows 0", "--max-rows")]
    [InlineData("--format parquet", "--format parquet needs --out")]
    [InlineData("--json --format csv", "--json")]
    public async Task Sql_BadOptionValue_ExitsTwoNamingTheOption(string options, string expected)
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync(["sql", "SELECT 1", .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TpchBench_NegativeMaxRatio_ExitsTwoNamingTheOption()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "bench", "--sf", "0.001", "--repeat", "1", "--max-ratio", "-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("ppml: error: --max-ratio must be a positive number.\n", result.Error);
    }
}
