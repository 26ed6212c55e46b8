using System.Text;
using DuckDB.NET.Data;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

public sealed class TpchDuckDbTests(TpchSf001Fixture fixture) : IClassFixture<TpchSf001Fixture>
{
    /// <summary>An order-independent digest of a table's full content.</summary>
    private static string DigestSql(TpchTable table) =>
        $"select count(*)::varchar || ':' || sum(hash({string.Join(", ", TpchSchema.GetColumns(table).Select(column => column.Name))}))::varchar from {TpchSchema.GetTableName(table)}";

    [Fact]
    public void GetCreateTableSql_LineItem_UsesTheSpecificationsTypes()
    {
        Assert.Equal(
            "CREATE TABLE lineitem (l_orderkey BIGINT NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, "
            + "l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, "
            + "l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, "
            + "l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL)",
            TpchSchema.GetCreateTableSql(TpchTable.LineItem));
    }

    [Fact]
    public async Task LoadTablesFromStreamsAsync_GeneratedParts_EqualsTheFileLoad()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        var parts = TpchSchema.Tables.ToDictionary(
            table => table,
            table => (IReadOnlyList<Func<CancellationToken, ValueTask<Stream>>>)[.. TpchDuckDb.FindTableFiles(fixture.Directory, table)
                .Select(path => (Func<CancellationToken, ValueTask<Stream>>)(_ => ValueTask.FromResult<Stream>(File.OpenRead(path))))]);

        IReadOnlyDictionary<TpchTable, long> rows = await TpchDuckDb.LoadTablesFromStreamsAsync(connection, parts, cancellationToken);

        foreach (TpchTable table in TpchSchema.Tables)
        {
            Assert.Equal(fixture.Result.Rows[table], rows[table]);
            Assert.Equal(await Sql.ScalarAsync(fixture.Connection, DigestSql(table), cancellationToken), await Sql.ScalarAsync(connection, DigestSql(table), cancellationToken));
        }
    }

    [Fact]
    public async Task LoadTablesAsync_FilesWithoutTrailingSeparator_LoadTheSameRows()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var files = new Dictionary<TpchTable, IReadOnlyList<string>>();
        foreach (TpchTable table in new[] { TpchTable.Orders, TpchTable.Nation })
        {
            var paths = new List<string>();
            foreach (string source in TpchDuckDb.FindTableFiles(fixture.Directory, table))
            {
                string target = directory.Combine(Path.GetFileName(source));
                await File.WriteAllLinesAsync(target, File.ReadLines(source).Select(line => line[..^1]), cancellationToken);
                paths.Add(target);
            }

            files[table] = paths;
        }

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        IReadOnlyDictionary<TpchTable, long> rows = await TpchDuckDb.LoadTablesAsync(connection, files, cancellationToken);

        Assert.Equal(15_000, rows[TpchTable.Orders]);
        Assert.Equal(25, rows[TpchTable.Nation]);
        Assert.Equal(await Sql.ScalarAsync(fixture.Connection, DigestSql(TpchTable.Orders), cancellationToken), await Sql.ScalarAsync(connection, DigestSql(TpchTable.Orders), cancellationToken));
    }

    [Fact]
    public async Task AppendTblAsync_DbgenRowsWithAndWithoutTrailingSeparatorAndCrLf_AppendsAll()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        await TpchDuckDb.CreateTablesAsync(connection, [TpchTable.Region], cancellationToken);
        byte[] tbl = Encoding.ASCII.GetBytes("0|AFRICA|lar deposits.|\r\n1|AMERICA|hs use ironic\n2|ASIA|ges. thinly|");

        long rows = await TpchDuckDb.AppendTblAsync(connection, TpchTable.Region, new MemoryStream(tbl), cancellationToken: cancellationToken);

        Assert.Equal(3, rows);
        Assert.Equal("ges. thinly", await Sql.ScalarAsync(connection, "select r_comment from region where r_regionkey = 2", cancellationToken));
        Assert.Equal("lar deposits.", await Sql.ScalarAsync(connection, "select r_comment from region where r_name = 'AFRICA'", cancellationToken));
    }

    [Theory]
    [InlineData("0|AFRICA|ok|\n1|AMERICA\n", 2, "has 2 fields")]
    [InlineData("0|AFRICA|ok|\nx|AMERICA|bad key|\n", 2, "column r_regionkey is not a 32-bit integer")]
    [InlineData("0|AFRICA|ok|\n1|AMERICA|ok|\n2|ASIA|a|b|c|\n", 3, "has 6 fields")]
    public async Task LoadTablesFromStreamsAsync_MalformedLine_ThrowsNamingTheLineAndLoadsNothing(string tbl, long line, string problem)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        var parts = new Dictionary<TpchTable, IReadOnlyList<Func<CancellationToken, ValueTask<Stream>>>>
        {
            [TpchTable.Nation] = [_ => ValueTask.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes("0|ALGERIA|0|fine|\n")))],
            [TpchTable.Region] = [_ => ValueTask.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(tbl)))],
        };

        TpchFormatException error = await Assert.ThrowsAsync<TpchFormatException>(() => TpchDuckDb.LoadTablesFromStreamsAsync(connection, parts, cancellationToken));

        Assert.Equal(line, error.LineNumber);
        Assert.Equal(TpchTable.Region, error.Table);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad key", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.CountAsync(connection, "select count(*) from information_schema.tables where table_name in ('nation', 'region')", cancellationToken));
    }

    [Fact]
    public async Task LoadTablesAsync_FileWithWrongColumnCount_ThrowsAndCreatesNothing()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.Combine("region.tbl"), "0|AFRICA|0|too many|fields|\n", cancellationToken);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);

        TpchFormatException error = await Assert.ThrowsAsync<TpchFormatException>(() => TpchDuckDb.LoadDirectoryAsync(connection, directory.Path, [TpchTable.Region], cancellationToken));

        Assert.Contains("region.tbl' line 1 has 5 '|' separators", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.CountAsync(connection, "select count(*) from information_schema.tables", cancellationToken));
    }

    [Fact]
    public async Task LoadTablesAsync_BadValueInLaterLine_ThrowsAndRollsBack()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.Combine("nation.tbl"), "0|ALGERIA|0| haggle|\n", cancellationToken);
        await File.WriteAllTextAsync(directory.Combine("region.tbl"), "0|AFRICA|fine|\nseven|AMERICA|secret comment|\n", cancellationToken);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);

        TpchFormatException error = await Assert.ThrowsAsync<TpchFormatException>(() => TpchDuckDb.LoadDirectoryAsync(connection, directory.Path, [TpchTable.Nation, TpchTable.Region], cancellationToken));

        Assert.Contains("table region", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret comment", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.CountAsync(connection, "select count(*) from information_schema.tables", cancellationToken));
    }

    [Fact]
    public void FindTableFiles_NumberedParts_OrdersThemNumerically()
    {
        using var directory = new TempDirectory();
        foreach (int index in new[] { 10, 2, 1 })
        {
            File.WriteAllText(directory.Combine($"orders.tbl.{index}"), string.Empty);
        }

        File.WriteAllText(directory.Combine("orders.tbl.tmp-1234"), string.Empty);

        Assert.Equal(
            [directory.Combine("orders.tbl.1"), directory.Combine("orders.tbl.2"), directory.Combine("orders.tbl.10")],
            TpchDuckDb.FindTableFiles(directory.Path, TpchTable.Orders));
        Assert.Throws<FileNotFoundException>(() => TpchDuckDb.FindTableFiles(directory.Path, TpchTable.Part));
    }
}
