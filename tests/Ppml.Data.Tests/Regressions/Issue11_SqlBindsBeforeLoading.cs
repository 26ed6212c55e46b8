using Ppml.Data.Tables;
using Ppml.Testing;

namespace Ppml.Data.Tests.Regressions;

/// <summary>
/// Issue 11 item 12: SQL loaded every table before parsing the query (a typo showed up after 6.5 s on 1.5 M rows).
/// The query is now parsed and bound against the declared schemas first, and only the tables it references are loaded;
/// a directory of parts or a pattern is one table; a schema file beside the data replaces a hand-typed schema.
/// </summary>
public sealed class Issue11_SqlBindsBeforeLoading : IClassFixture<KmsFixture>
{
    private const string NationSchema = "n_nationkey INTEGER, n_name VARCHAR, n_regionkey INTEGER";
    private const string RegionSchema = "r_regionkey INTEGER, r_name VARCHAR";
    private const string OrdersSchema = "o_orderkey BIGINT, o_total DECIMAL(15,2)";

    private readonly KmsFixture _fixture;

    public Issue11_SqlBindsBeforeLoading(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static TableRequest[] Declare(TempDirectory temp)
    {
        DataFiles.Write(temp.Combine("nation.tbl"), "0|ALGERIA|0|\n1|ARGENTINA|1|\n2|BRAZIL|1|\n");
        DataFiles.Write(temp.Combine("region.tbl"), "0|AFRICA|\n1|AMERICA|\n");
        DataFiles.Write(temp.Combine("orders.tbl"), "1|10.50|\n2|20.25|\n");
        return
        [
            Request("nation", temp.Combine("nation.tbl"), NationSchema),
            Request("region", temp.Combine("region.tbl"), RegionSchema),
            Request("orders", temp.Combine("orders.tbl"), OrdersSchema),
        ];
    }

    private static TableRequest Request(string name, string path, string schema) =>
        new(name, path, DatasetFormat.Tbl, new DatasetReadOptions { HasHeader = false, Delimiter = '|', Schema = DatasetSchema.Parse(schema) }, []);

    [Theory]
    [InlineData("SELECT n_nam FROM nation", "Binder Error")]
    [InlineData("SELEC n_name FROM nation", "syntax error")]
    [InlineData("SELECT * FROM nation JOIN regions ON n_regionkey = r_regionkey", "regions")]
    public async Task RegisterTablesForQuery_InvalidQuery_FailsBeforeAnyTableIsLoaded(string sql, string expected)
    {
        using var temp = new TempDirectory();
        TableRequest[] declared = Declare(temp);
        var loaded = new List<TableInfo>();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTablesForQueryAsync(sql, declared, new Collect(loaded), Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(loaded);
        Assert.Empty(context.Tables);
    }

    [Fact]
    public async Task RegisterTablesForQuery_InvalidQueryOverACorruptTable_NamesTheQueryNotTheData()
    {
        // The data is never read: a part that cannot be parsed does not matter to a query that does not bind.
        using var temp = new TempDirectory();
        TableRequest[] declared = Declare(temp);
        DataFiles.Write(temp.Combine("nation.tbl"), "not|a|number|\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTablesForQueryAsync("SELECT n_nam FROM nation", declared, null, Token));

        Assert.StartsWith("The query failed: Binder Error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterTablesForQuery_NationAndRegion_LoadsOnlyThose()
    {
        using var temp = new TempDirectory();
        TableRequest[] declared = Declare(temp);
        var loaded = new List<TableInfo>();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        const string Sql = "SELECT r_name, count(*) AS n FROM nation JOIN region ON n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name";

        IReadOnlyList<TableInfo> result = await context.RegisterTablesForQueryAsync(Sql, declared, new Collect(loaded), Token);
        QueryResult rows = await context.QueryAsync(Sql, Token);

        Assert.Equal(["nation", "region"], loaded.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(loaded, result);
        Assert.False(context.Tables.ContainsKey("orders"));
        Assert.Equal("AFRICA=1;AMERICA=2", string.Join(';', rows.Rows.Select(r => $"{r[0]}={r[1]}")));
    }

    [Fact]
    public async Task RegisterTablesForQuery_CsvWithoutSchema_IsLoadedThenTheQueryBinds()
    {
        using var temp = new TempDirectory();
        TableRequest[] declared =
        [
            .. Declare(temp),
            new("people", DataFiles.Write(temp.Combine("people.csv"), "name,age\nalice,30\n"), DatasetFormat.Csv, DatasetReadOptions.Default, []),
        ];
        var loaded = new List<TableInfo>();
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTablesForQueryAsync("SELECT nam FROM people, nation", declared, new Collect(loaded), Token));

        // Its columns are known only once it is read; nation (schema known) is still not loaded.
        Assert.Equal(["people"], loaded.Select(t => t.Name));
    }

    [Fact]
    public async Task RegisterTablesForQuery_ShowTables_LoadsEveryDeclaredTable()
    {
        using var temp = new TempDirectory();
        TableRequest[] declared = Declare(temp);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        IReadOnlyList<TableInfo> loaded = await context.RegisterTablesForQueryAsync("SHOW TABLES", declared, null, Token);
        QueryResult rows = await context.QueryAsync("SHOW TABLES", Token);

        Assert.Equal(3, loaded.Count);
        Assert.Equal(3, rows.Rows.Count);
    }

    [Fact]
    public async Task RegisterTableAsync_Pattern_LoadsTheMatchingPartsAsOneTable()
    {
        using var temp = new TempDirectory();
        DataFiles.Write(temp.Combine("parts", "t.tbl.1"), "1|\n");
        DataFiles.Write(temp.Combine("parts", "t.tbl.2"), "2|\n");
        DataFiles.Write(temp.Combine("parts", "t.tbl.10"), "10|\n");
        DataFiles.Write(temp.Combine("parts", "other.tbl.1"), "99|\n");
        await DataFiles.EncryptAsync(_fixture.Kms, temp.Combine("parts", "t.tbl.2"));
        File.Delete(temp.Combine("parts", "t.tbl.2"));
        var options = new DatasetReadOptions { HasHeader = false, Delimiter = '|', Schema = DatasetSchema.Parse("k INTEGER") };
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        TableInfo info = await context.RegisterTableAsync("t", temp.Combine("parts", "t.tbl.*"), DatasetFormat.Tbl, options, Token);
        QueryResult rows = await context.QueryAsync("SELECT k FROM t", Token);
        DatasetException none = await Assert.ThrowsAsync<DatasetException>(() => context.RegisterTableAsync("u", temp.Combine("parts", "x*.tbl"), DatasetFormat.Tbl, options, Token));

        Assert.Equal(3, info.Parts);
        Assert.Equal(1, info.EncryptedParts);
        Assert.Equal("1,2,10", string.Join(',', rows.Rows.Select(r => r[0])));
        Assert.Contains("matches no part files", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableSources_SchemaFile_GivesColumnsByDirectoryNameByPathAndByPattern()
    {
        using var temp = new TempDirectory();
        DataFiles.Write(temp.Combine("data", "nation.tbl"), "0|ALGERIA|0|\n");
        DataFiles.Write(temp.Combine("data", "orders", "orders.tbl.1"), "1|10.50|\n");
        DataFiles.Write(temp.Combine("data", "orders", "orders.tbl.2"), "2|20.25|\n");
        await TableSchemaFile.WriteAsync(
            temp.Combine("data"),
            [
                new TableSchemaEntry("nation", "nation.tbl", DatasetFormat.Tbl, DatasetSchema.Parse(NationSchema)),
                new TableSchemaEntry("orders", "orders", DatasetFormat.Tbl, DatasetSchema.Parse(OrdersSchema)),
            ],
            Token);

        IReadOnlyList<TableSource> sources = TableSources.Parse(
            ["nation=data", "orders=data", "o2=data/orders/", "o3=data/orders/orders.tbl.*", "n2=data/nation.tbl"], [], requireEncrypted: false, p => temp.Combine(p));
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        IReadOnlyList<TableInfo> loaded = await context.RegisterTablesForQueryAsync(
            "SELECT (SELECT sum(o_total) FROM orders) + (SELECT sum(o_total) FROM o2) + (SELECT sum(o_total) FROM o3) AS t, (SELECT n_name FROM nation) || (SELECT n_name FROM n2) AS n",
            [.. sources.Select(s => new TableRequest(s.Name, s.Path, s.Format, s.ReadOptions, []))],
            null,
            Token);
        QueryResult rows = await context.QueryAsync(
            "SELECT (SELECT sum(o_total) FROM orders) + (SELECT sum(o_total) FROM o2) + (SELECT sum(o_total) FROM o3) AS t, (SELECT n_name FROM nation) || (SELECT n_name FROM n2) AS n", Token);

        Assert.All(sources, s => Assert.Equal(DatasetFormat.Tbl, s.Format));
        Assert.Equal(temp.Combine("data", "orders"), sources[1].Path);
        Assert.Equal(5, loaded.Count);
        Assert.Equal(92.25m, rows.Rows[0][0]);
        Assert.Equal("ALGERIAALGERIA", rows.Rows[0][1]);
    }

    [Theory]
    [InlineData("{\"format\":\"ppml-table-schema\",\"version\":1,\"tables\":[{\"name\":\"t\",\"path\":\"../secret\",\"format\":\"tbl\",\"columns\":[{\"name\":\"a\",\"type\":\"INTEGER\"}]}]}", "stay inside")]
    [InlineData("{\"format\":\"ppml-table-schema\",\"version\":1,\"tables\":[{\"name\":\"t\",\"path\":\"/etc/passwd\",\"format\":\"tbl\",\"columns\":[{\"name\":\"a\",\"type\":\"INTEGER\"}]}]}", "stay inside")]
    [InlineData("{\"format\":\"ppml-table-schema\",\"version\":1,\"tables\":[{\"name\":\"t\",\"path\":\"t.tbl\",\"format\":\"tbl\",\"columns\":[{\"name\":\"a\",\"type\":\"INTEGER); DROP TABLE x; --\"}]}]}", "table 't'")]
    [InlineData("{\"format\":\"ppml-table-schema\",\"version\":2,\"tables\":[]}", "version 2 is not supported")]
    [InlineData("{\"format\":\"other\"}", "'format' must be")]
    [InlineData("[1,", "not valid JSON")]
    public void TableSources_MalformedSchemaFile_IsRefusedNamingTheFile(string content, string expected)
    {
        using var temp = new TempDirectory();
        DataFiles.Write(temp.Combine("data", TableSchemaFile.FileName), content);

        FormatException error = Assert.Throws<FormatException>(() => TableSources.Parse(["t=data"], [], requireEncrypted: false, p => temp.Combine(p)));

        Assert.Contains(TableSchemaFile.FileName, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private sealed class Collect(List<TableInfo> into) : IProgress<TableInfo>
    {
        public void Report(TableInfo value) => into.Add(value);
    }
}
