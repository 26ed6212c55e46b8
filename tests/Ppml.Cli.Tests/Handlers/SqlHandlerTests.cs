using Ppml.Crypto.Container;

namespace Ppml.Cli.Tests.Handlers;

public class SqlHandlerTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public SqlHandlerTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private CliHarness NewHarness() => _workspace.NewHarness();

    [Fact]
    public async Task Sql_OverEncryptedCsv_PrintsTable()
    {
        using CliHarness cli = NewHarness();
        cli.Write("people.csv", "name,age\nalice,30\nbob,25\n");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "people.csv", "--out", "people.csv.ppml")).ExitCode);
        File.Delete(cli.Temp.Combine("people.csv"));

        CliResult result = await cli.RunAsync("sql", "SELECT name, age FROM p ORDER BY age", "--table", "p=people.csv.ppml", "--require-encrypted");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("+-----+---+\n| name|age|\n+-----+---+\n|  bob| 25|\n|alice| 30|\n+-----+---+\n", result.Output);
        Assert.Contains("1 encrypted", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_EncryptedOutput_AppendsPpmlAndDecrypts()
    {
        using CliHarness cli = NewHarness();
        cli.Write("d.json", "{\"k\":\"SECRET-ONE\",\"v\":1}\n{\"k\":\"SECRET-TWO\",\"v\":2}\n");

        CliResult result = await cli.RunAsync("sql", "SELECT k, v * 10 AS v FROM d", "--table", "d=d.json", "--out", "out.csv", "--encrypt");
        CliResult back = await cli.RunAsync("decrypt", "--in", "out.csv.ppml", "--out", "out.csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        byte[] bytes = File.ReadAllBytes(cli.Temp.Combine("out.csv.ppml"));
        Assert.True(PpmlContainer.LooksLikeContainer(bytes));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("SECRET"u8));
        Assert.Equal(0, back.ExitCode);
        Assert.Equal("k,v\nSECRET-ONE,10\nSECRET-TWO,20\n", File.ReadAllText(cli.Temp.Combine("out.csv")));
    }

    [Fact]
    public async Task Sql_ParquetEncrypted_RoundTripsThroughSql()
    {
        using CliHarness cli = NewHarness();
        cli.Write("d.csv", "a,b\n1,x\n2,y\n");

        CliResult write = await cli.RunAsync("sql", "SELECT * FROM d", "--table", "d=d.csv", "--out", "d.parquet", "--encrypt");
        CliResult read = await cli.RunAsync("sql", "SELECT sum(a) AS s FROM q", "--table", "q=d.parquet", "--require-encrypted");

        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains("|  3|", read.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_InvalidSql_FailsWithOneLine()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("sql", "SELEC 1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("syntax error", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Sql_MalformedCsv_NamesFileAndLine()
    {
        using CliHarness cli = NewHarness();
        cli.Write("bad.csv", "a,b\n1,2\n3,4,5\n");

        CliResult result = await cli.RunAsync("sql", "SELECT * FROM t", "--table", "t=bad.csv");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.csv", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_TableOptions_HeaderlessSemicolonCsvWithSchema()
    {
        using CliHarness cli = NewHarness();
        cli.Write("m.csv", "1;alpha;2.50\n2;beta;3.25\n3;gamma;0.10\n");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "m.csv", "--out", "m.csv.ppml")).ExitCode);

        CliResult result = await cli.RunAsync(
            "sql", "SELECT name, typeof(price) AS t, sum(price) OVER () AS total FROM m WHERE id = 2",
            "--table", "m=m.csv.ppml",
            "--option", "m.header=false",
            "--option", "m.delimiter=;",
            "--option", "m.schema=id BIGINT, name VARCHAR, price DECIMAL(10, 2)");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("+----+-------------+-----+\n|name|            t|total|\n+----+-------------+-----+\n|beta|DECIMAL(10,2)| 3.25|\n+----+-------------+-----+\n", result.Output);
        Assert.Contains("3 rows", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_TblWithSchema_ReadsDbgenRows()
    {
        using CliHarness cli = NewHarness();
        cli.Write("nation.tbl", "0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|\n1|ARGENTINA|1|al foxes promise slyly according to the regular accounts. bold requests alon|\n");

        CliResult result = await cli.RunAsync(
            "sql", "SELECT n_name FROM n WHERE n_regionkey = 1", "--table", "n=nation.tbl",
            "--option", "n.schema=n_nationkey INTEGER, n_name CHAR(25), n_regionkey INTEGER, n_comment VARCHAR(152)");
        CliResult withoutSchema = await cli.RunAsync("sql", "SELECT 1", "--table", "n=nation.tbl");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("|ARGENTINA|", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, withoutSchema.ExitCode);
        Assert.Contains("--option n.schema=", withoutSchema.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.header=false", "there is no --table named 'x'")]
    [InlineData("t.quote=x", "unknown option 'quote'")]
    [InlineData("t.header=maybe", "give true or false")]
    [InlineData("t.delimiter=ab", "give one character")]
    [InlineData("t.schema=a BIGINT; DROP TABLE t", "is not a DuckDB type name")]
    [InlineData("t.schema=a", "must be 'COLUMN TYPE'")]
    [InlineData("t.schema=a BIGINT, A INTEGER", "column 'a' is named twice")]
    [InlineData("j.header=false", "applies to csv tables, not json")]
    [InlineData("header=false", "must look like NAME.KEY=VALUE")]
    public async Task Sql_BadTableOption_IsUsageErrorNamingIt(string option, string expected)
    {
        using CliHarness cli = NewHarness();
        cli.Write("t.csv", "a\n1\n");
        cli.Write("j.json", "{\"a\":1}\n");

        CliResult result = await cli.RunAsync("sql", "SELECT 1", "--table", "t=t.csv", "--table", "j=j.json", "--option", option);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Sql_BadTableSpec_IsUsageError()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("sql", "SELECT 1", "--table", "nonsense");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NAME=PATH", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_PlainInputWhenEncryptionRequired_Refused()
    {
        using CliHarness cli = NewHarness();
        cli.Write("plain.csv", "a\n1\n");

        CliResult result = await cli.RunAsync("sql", "SELECT * FROM t", "--table", "t=plain.csv", "--require-encrypted");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not encrypted", result.Error, StringComparison.Ordinal);
    }
}
