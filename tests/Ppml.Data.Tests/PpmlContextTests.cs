using System.Globalization;
using System.Text;
using Ppml.Testing;

namespace Ppml.Data.Tests;

public sealed class PpmlContextTests : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public PpmlContextTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> Transports => ["memfd", "appender"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string SampleCsv()
    {
        var csv = new StringBuilder("id,name,score,joined,active\n");
        for (int i = 0; i < 3000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},\"name {i}, the {(i % 3 == 0 ? "\"\"quoted\"\"" : "plain")}\",{i * 0.25},2024-01-{(i % 28) + 1:D2},{(i % 2 == 0 ? "true" : "false")}\n");
        }

        return csv.ToString();
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Csv_EncryptedEqualsPlain_AcrossParts(string transport)
    {
        using var temp = new TempDirectory();
        string csv = SampleCsv();
        string plain = DataFiles.Write(temp.Combine("plain", "people.csv"), csv);
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string header = lines[0];
        DataFiles.Write(temp.Combine("parts", "part-2.csv"), header + "\n" + string.Join("\n", lines[1001..2001]) + "\n");
        DataFiles.Write(temp.Combine("parts", "part-10.csv"), header + "\n" + string.Join("\n", lines[2001..]) + "\n");
        DataFiles.Write(temp.Combine("parts", "part-1.csv"), header + "\n" + string.Join("\n", lines[1..1001]) + "\n");
        Directory.CreateDirectory(temp.Combine("enc"));
        foreach (string part in Directory.GetFiles(temp.Combine("parts")))
        {
            await DataFiles.EncryptAsync(_fixture.Kms, part, temp.Combine("enc", Path.GetFileName(part) + ".ppml"));
        }

        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);
        TableInfo plainInfo = await context.RegisterTableAsync("plain", plain, DatasetFormat.Csv, cancellationToken: Token);
        TableInfo encInfo = await context.RegisterTableAsync("enc", temp.Combine("enc"), DatasetFormat.Csv, new DatasetReadOptions { RequireEncrypted = true }, Token);
        QueryResult a = await context.QueryAsync("SELECT * FROM plain", Token);
        QueryResult b = await context.QueryAsync("SELECT * FROM enc", Token);

        Assert.Equal(3000, plainInfo.Rows);
        Assert.Equal(3, encInfo.Parts);
        Assert.Equal(3, encInfo.EncryptedParts);
        Assert.Equal("id:BIGINT,name:VARCHAR,score:DOUBLE,joined:DATE,active:BOOLEAN", DataFiles.Types(a));
        Assert.Equal(DataFiles.Types(a), DataFiles.Types(b));
        Assert.Equal(DataFiles.Rows(a), DataFiles.Rows(b));
        Assert.Equal("name 3, the \"quoted\"", a.Rows[3][1]);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Json_LinesAndArray_EncryptedEqualsPlain(string transport)
    {
        using var temp = new TempDirectory();
        string lines = "{\"name\":\"Michael\"}\n{\"name\":\"Andy\", \"age\":30}\n{\"name\":\"Justin\", \"age\":19}\n";
        string array = "[{\"name\":\"Michael\"},\n{\"name\":\"Andy\", \"age\":30},\n{\"name\":\"Justin\", \"age\":19}]";
        string plainLines = DataFiles.Write(temp.Combine("people.json"), lines);
        string plainArray = DataFiles.Write(temp.Combine("array.json"), array);
        string encLines = await DataFiles.EncryptAsync(_fixture.Kms, plainLines);
        string encArray = await DataFiles.EncryptAsync(_fixture.Kms, plainArray);

        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);
        string[] tables = ["pl", "el", "pa", "ea"];
        string[] paths = [plainLines, encLines, plainArray, encArray];
        var results = new List<QueryResult>();
        for (int i = 0; i < tables.Length; i++)
        {
            await context.RegisterTableAsync(tables[i], paths[i], DatasetFormat.Json, cancellationToken: Token);
            results.Add(await context.QueryAsync($"SELECT age, name FROM {tables[i]}", Token));
        }

        foreach (QueryResult result in results)
        {
            Assert.Equal("age:BIGINT,name:VARCHAR", DataFiles.Types(result));
            Assert.Equal("NULL|Michael\n30|Andy\n19|Justin", DataFiles.Rows(result));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Text_OneRowPerLine_EncryptedEqualsPlain(string transport)
    {
        using var temp = new TempDirectory();
        var text = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {i}: to be, or not to be{(i % 7 == 0 ? "\r" : string.Empty)}\n");
        }

        text.Append("\nlast line without newline");
        string plain = DataFiles.Write(temp.Combine("t.txt"), text.ToString());
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);

        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);
        await context.RegisterTableAsync("p", plain, DatasetFormat.Text, cancellationToken: Token);
        await context.RegisterTableAsync("e", encrypted, DatasetFormat.Text, cancellationToken: Token);
        QueryResult a = await context.QueryAsync("SELECT value FROM p", Token);
        QueryResult b = await context.QueryAsync("SELECT value FROM e", Token);

        Assert.Equal(2002, a.Rows.Count);
        Assert.Equal("line 0: to be, or not to be", a.Rows[0][0]);
        Assert.Equal(string.Empty, a.Rows[2000][0]);
        Assert.Equal("last line without newline", a.Rows[2001][0]);
        Assert.Equal(DataFiles.Rows(a), DataFiles.Rows(b));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Tbl_WithSchema_EncryptedEqualsPlain(string transport)
    {
        using var temp = new TempDirectory();
        string tbl = "1|Customer#000000001|IVhzIApeRb ot,c,E|15|711.56|BUILDING|\n2|Customer#000000002|XSTf4,NCwDVaWNe6tEgvwfmRchLXak|13|121.65|AUTOMOBILE|\n";
        string plain = DataFiles.Write(temp.Combine("customer.tbl"), tbl);
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, plain);
        DatasetColumn[] schema =
        [
            new("c_custkey", "INTEGER"), new("c_name", "VARCHAR(25)"), new("c_address", "VARCHAR(40)"),
            new("c_nationkey", "INTEGER"), new("c_acctbal", "DECIMAL(15,2)"), new("c_mktsegment", "CHAR(10)"),
        ];

        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms, transport);
        await context.RegisterTableAsync("p", plain, DatasetFormat.Tbl, new DatasetReadOptions { Schema = schema }, Token);
        await context.RegisterTableAsync("e", encrypted, DatasetFormat.Tbl, new DatasetReadOptions { Schema = schema }, Token);
        QueryResult a = await context.QueryAsync("SELECT * FROM p", Token);
        QueryResult b = await context.QueryAsync("SELECT * FROM e", Token);

        Assert.Equal("1|Customer#000000001|IVhzIApeRb ot,c,E|15|711.56|BUILDING\n2|Customer#000000002|XSTf4,NCwDVaWNe6tEgvwfmRchLXak|13|121.65|AUTOMOBILE", DataFiles.Rows(a));
        Assert.Equal(DataFiles.Rows(a), DataFiles.Rows(b));
        Assert.Equal(DataFiles.Types(a), DataFiles.Types(b));
    }

    [Fact]
    public void MemoryFiles_AreUsedOnLinux()
    {
        Require.Service(OperatingSystem.IsLinux(), "memfd_create is Linux-only.", "Run it on Linux (x64 or arm64), where CI runs.");
        Assert.True(IO.MemoryFile.IsSupported);
    }

    [Fact]
    public async Task Open_OnLinux_ChoosesMemfd()
    {
        Require.Service(OperatingSystem.IsLinux(), "memfd_create is Linux-only.", "Run it on Linux (x64 or arm64), where CI runs.");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        Assert.Equal("memfd", context.InputTransport);
    }

    [Fact]
    public async Task Sql_CannotReadOrWriteFiles_OrTurnSpillingBackOn()
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("secret.csv"), "a\n1\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync($"SELECT * FROM read_csv('{plain}')", Token));
        await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync($"COPY (SELECT 42) TO '{temp.Combine("leak.csv")}'", Token));
        await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync($"SET temp_directory = '{temp.Path}'", Token));
        QueryResult setting = await context.QueryAsync("SELECT current_setting('temp_directory')", Token);
        Assert.Equal(context.SpillPath ?? string.Empty, setting.Rows[0][0]); // the encrypted spill directory, or none
        Assert.False(File.Exists(temp.Combine("leak.csv")));
    }

    [Fact]
    public async Task Query_InvalidSql_ThrowsDatasetException()
    {
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync("SELEC 1", Token));

        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Query_ConversionError_DoesNotLeakTheValue()
    {
        using var temp = new TempDirectory();
        string plain = DataFiles.Write(temp.Combine("s.csv"), "v\nTOPSECRET\n");
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        await context.RegisterTableAsync("s", plain, DatasetFormat.Csv, cancellationToken: Token);

        DatasetException error = await Assert.ThrowsAsync<DatasetException>(() => context.QueryAsync("SELECT CAST(v AS INTEGER) FROM s", Token));

        Assert.DoesNotContain("TOPSECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteReader_StreamsRows()
    {
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        long sum = 0;
        long count = 0;
        await using (QueryReader reader = await context.ExecuteReaderAsync("SELECT range AS x FROM range(100000)", Token))
        {
            Assert.Equal("x", reader.Columns[0].Name);
            while (await reader.ReadAsync(Token))
            {
                sum += (long)reader.GetValue(0)!;
                count++;
            }
        }

        Assert.Equal(100000, count);
        Assert.Equal(4999950000, sum);
        Assert.Single((await context.QueryAsync("SELECT 1", Token)).Rows);
    }
}
