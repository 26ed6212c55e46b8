using System.Text;
using System.Text.Json;
using Ppml.Crypto.Container;
using Ppml.Data;
using Ppml.Data.Tpch;
using Ppml.Kms.Envelope;
using Ppml.Kms.File;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tests.Handlers;

public class TpchRunHandlerTests : IClassFixture<TpchDataFixture>
{
    private readonly TpchDataFixture _data;

    public TpchRunHandlerTests(TpchDataFixture data)
    {
        _data = data;
    }

    [Fact]
    public async Task Run_EncryptedParts_All22EqualPlaintextAnswers()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult encrypted = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--out", "enc-results", "--require-encrypted");
        CliResult plain = await cli.RunAsync("tpch", "run", "--data", _data.Plain, "--out", "plain-results");

        Assert.True(encrypted.ExitCode == 0, encrypted.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("8 of 8 encrypted", encrypted.Output, StringComparison.Ordinal);
        Assert.Contains("0 of 8 encrypted", plain.Output, StringComparison.Ordinal);
        for (int query = 1; query <= TpchQueries.Count; query++)
        {
            string name = TpchResultWriter.GetFileName(query);
            string expected = await _data.ExpectedCsvAsync(query);
            Assert.Equal(expected, File.ReadAllText(cli.Temp.Combine("enc-results", name)));
            Assert.Equal(expected, File.ReadAllText(cli.Temp.Combine("plain-results", name)));
        }

        Assert.Equal(TpchQueries.Count, Directory.GetFiles(cli.Temp.Combine("enc-results")).Length);
        Assert.StartsWith(
            "l_returnflag|l_linestatus|sum_qty|sum_base_price|sum_disc_price|sum_charge|avg_qty|avg_price|avg_disc|count_order\nA|F|380456.00|532348211.65|",
            File.ReadAllText(cli.Temp.Combine("enc-results", "q01.csv")),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_QueryList_PrintsFinishedLinePerQueryInOrder()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "22,1,5-7", "--out", "out");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(["22 finished", "1 finished", "5 finished", "6 finished", "7 finished"], lines[..^1]);
        Assert.StartsWith("TPC-H SF 0.01: 5 queries in ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(["q01.csv", "q05.csv", "q06.csv", "q07.csv", "q22.csv"], Directory.GetFiles(cli.Temp.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("scale factor 0.01 (from the size of supplier)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Json_StdoutIsOneObject_FinishedLinesOnStderr()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "6,1", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(0.01, root.GetProperty("scaleFactor").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("output").ValueKind);
        Assert.Equal([6, 1], root.GetProperty("queries").EnumerateArray().Select(q => q.GetProperty("query").GetInt32()));
        Assert.Equal([1, 4], root.GetProperty("queries").EnumerateArray().Select(q => q.GetProperty("rows").GetInt32()));
        JsonElement[] tables = [.. root.GetProperty("tables").EnumerateArray()];
        Assert.Equal(8, tables.Length);
        Assert.All(tables, t => Assert.Equal(t.GetProperty("parts").GetInt32(), t.GetProperty("encryptedParts").GetInt32()));
        Assert.Equal(60_175, tables.Single(t => t.GetProperty("name").GetString() == "lineitem").GetProperty("rows").GetInt64());
        Assert.Contains("6 finished\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("1 finished", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EncryptOutput_WritesContainersThatDecryptToTheAnswers()
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "3", "--out", "out", "--encrypt");
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", "out/q03.csv.ppml", "--out", "q03.csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["q03.csv.ppml"], Directory.GetFiles(cli.Temp.Combine("out")).Select(Path.GetFileName));
        Assert.True(PpmlContainer.LooksLikeContainer(File.ReadAllBytes(cli.Temp.Combine("out", "q03.csv.ppml"))));
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Equal(await _data.ExpectedCsvAsync(3), File.ReadAllText(cli.Temp.Combine("q03.csv")));
    }

    [Fact]
    public async Task Run_MissingTable_FailsNamingTableAndWritesNothing()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Plain, data);
        File.Delete(Path.Combine(data, "region.tbl"));

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TPC-H table region is missing from", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(cli.Temp.Combine("out")));
    }

    [Fact]
    public async Task Run_TableInTwoLayouts_FailsAsAmbiguous()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Encrypted, data);
        File.Copy(Path.Combine(_data.Plain, "orders.tbl"), Path.Combine(data, "orders.tbl"));

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TPC-H table orders is in", result.Error, StringComparison.Ordinal);
        Assert.Contains("orders.tbl, orders/", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PlainPartWhereEncryptionRequired_RefusedNamingFile()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Encrypted, data);
        File.Delete(Path.Combine(data, "nation.tbl.ppml"));
        File.Copy(Path.Combine(_data.Plain, "nation.tbl"), Path.Combine(data, "nation.tbl"));

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data", "--require-encrypted", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Part '{Path.Combine(data, "nation.tbl")}' is not encrypted", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Temp.Combine("out")));
    }

    [Fact]
    public async Task Run_PartFromAnotherKms_FailsNamingPartAndWritesNothing()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Encrypted, data);
        string victim = Path.Combine(data, "lineitem", "lineitem.tbl.2.ppml");

        // Another workspace's KMS, with a primary key of the same name: the part is a valid container, but its data key
        // was wrapped by a key this workspace does not have.
        using (FileKeyManagementService foreign = await FileKeyManagementService.CreateAsync(cli.Temp.Combine("other-kms"), "other-password", cancellationToken: TestContext.Current.CancellationToken))
        {
            await foreign.CreateKeyAsync("primary", TestContext.Current.CancellationToken);
            string plainPart = cli.Temp.Combine("lineitem.part2.tbl");
            await DecryptWithWorkspaceAsync(cli, victim, plainPart);
            await EnvelopeEncryption.EncryptFileAsync(foreign, "primary", plainPart, victim, overwrite: true, cancellationToken: TestContext.Current.CancellationToken);
        }

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Part '{victim}' cannot be read: the KMS refused its data key", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("ppml: error:", StringComparison.Ordinal));
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(cli.Temp.Combine("out")));
        Assert.Empty(Directory.GetDirectories(cli.Temp.Path, "out*"));
    }

    [Fact]
    public async Task Run_TamperedPart_FailsNamingPart()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Encrypted, data);
        string victim = Path.Combine(data, "orders", "orders.tbl.3.ppml");
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(victim, bytes);

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Part '{victim}' cannot be read: it failed authentication", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("finished", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedRowWhileNextTableDecrypts_FailsNamingPartAndLine()
    {
        using CliHarness cli = _data.NewHarness();
        string data = cli.Temp.Combine("data");
        TpchDataFixture.CopyDirectory(_data.Encrypted, data);

        // ORDERS as a plain file with a bad date on line 3; LINEITEM (encrypted) is being decrypted while DuckDB reads it.
        File.Delete(Path.Combine(data, "orders", "orders.tbl.1.ppml"));
        File.Delete(Path.Combine(data, "orders", "orders.tbl.2.ppml"));
        File.Delete(Path.Combine(data, "orders", "orders.tbl.3.ppml"));
        Directory.Delete(Path.Combine(data, "orders"));
        string[] lines = File.ReadAllLines(Path.Combine(_data.Plain, "orders.tbl"));
        lines[2] = lines[2].Replace("|199", "|X99", StringComparison.Ordinal);
        File.WriteAllLines(Path.Combine(data, "orders.tbl"), lines);

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "data", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Part '{Path.Combine(data, "orders.tbl")}', line 3:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ppml: table lineitem", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Temp.Combine("out")));
    }

    [Fact]
    public async Task Run_ExistingOutput_NeedsForce()
    {
        using CliHarness cli = _data.NewHarness();
        cli.Write("out/old.txt", "previous results");

        CliResult refused = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "6", "--out", "out");
        CliResult forced = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", "6", "--out", "out", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("finished", refused.Output, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(["q06.csv"], Directory.GetFiles(cli.Temp.Combine("out")).Select(Path.GetFileName));
        Assert.Equal(await _data.ExpectedCsvAsync(6), File.ReadAllText(cli.Temp.Combine("out", "q06.csv")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("23")]
    [InlineData("5-3")]
    [InlineData("1,,2")]
    [InlineData("1,1")]
    [InlineData("q1")]
    public async Task Run_BadQueryList_Exits2BeforeLoading(string queries)
    {
        using CliHarness cli = _data.NewHarness();

        CliResult result = await cli.RunAsync("tpch", "run", "--data", _data.Encrypted, "--queries", queries);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--queries '{queries}'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ppml: table", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HandmadeDbgenFilesWithChunkedLineitem_AnswersQ1()
    {
        using CliHarness cli = _data.NewHarness();

        // dbgen's format: '|' after every field, including the last; LINEITEM in dbgen -C 2 chunks beside the rest.
        cli.Write("dbgen/region.tbl", "0|AFRICA|lar deposits. blithely final packages cajole|\n");
        cli.Write("dbgen/nation.tbl", "0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|\n");
        cli.Write("dbgen/supplier.tbl", "1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ|0|10-918-419-7149|5755.94|each slyly above the careful|\n");
        cli.Write("dbgen/customer.tbl", "1|Customer#000000001|IVhzIApeRb ot,c,E|0|10-989-741-2988|711.56|BUILDING|to the even, regular platelets|\n");
        cli.Write("dbgen/part.tbl", "1|goldenrod lavender spring chocolate lace|Manufacturer#1|Brand#13|PROMO BURNISHED COPPER|7|JUMBO PKG|901.00|ly. slyly ironi|\n");
        cli.Write("dbgen/partsupp.tbl", "1|1|3325|771.64|, even theodolites. regular, final theodolites eat after the carefully pending foxes|\n");
        cli.Write("dbgen/orders.tbl", "1|1|O|173665.47|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously among |\n");
        cli.Write("dbgen/lineitem.tbl.1", "1|1|1|1|17|21168.23|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|\n");
        cli.Write("dbgen/lineitem.tbl.2", "1|1|1|2|36|45983.16|0.09|0.06|N|O|1996-04-12|1996-02-28|1996-04-20|TAKE BACK RETURN|MAIL|ly final dependencies: slyly bold |\n");

        CliResult plain = await cli.RunAsync("tpch", "run", "--data", "dbgen", "--queries", "1", "--out", "out");
        CliResult encrypt = await cli.RunAsync("encrypt", "--in", "dbgen", "--out", "dbgen.enc");
        CliResult encrypted = await cli.RunAsync("tpch", "run", "--data", "dbgen.enc", "--queries", "1", "--out", "out.enc", "--require-encrypted");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("ppml: table lineitem: 2 rows from 2 part(s), 0 encrypted", plain.Error, StringComparison.Ordinal);
        Assert.Contains("scale factor 0.0001", plain.Error, StringComparison.Ordinal);
        string[] q1 = File.ReadAllText(cli.Temp.Combine("out", "q01.csv")).TrimEnd('\n').Split('\n');
        Assert.Equal(2, q1.Length);

        // Σ qty 17 + 36; Σ price; Σ price·(1 − disc) = 20321.5008 + 41844.6756; Σ price·(1 − disc)·(1 + tax); count 2.
        Assert.StartsWith("N|O|53.00|67151.39|62166.1764|65083.286952|26.5|", q1[1], StringComparison.Ordinal);
        Assert.EndsWith("|2", q1[1], StringComparison.Ordinal);
        Assert.True(encrypt.ExitCode == 0, encrypt.ToString());
        Assert.True(File.Exists(cli.Temp.Combine("dbgen.enc", "lineitem.tbl.2.ppml")));
        Assert.True(encrypted.ExitCode == 0, encrypted.ToString());
        Assert.Equal(File.ReadAllText(cli.Temp.Combine("out", "q01.csv")), File.ReadAllText(cli.Temp.Combine("out.enc", "q01.csv")));
    }

    [Fact]
    public async Task Run_CsvAndEncryptedParquetTables_AnswerAsTheTblFiles()
    {
        using CliHarness cli = _data.NewHarness();
        string mixed = cli.Temp.Combine("mixed");
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        var context = new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = cli.Temp.Path };
        using (Ppml.Kms.IKeyManagementService kms = await PpmlWorkspace.OpenKmsAsync(context, cli.Home, null, null, cancellationToken))
        await using (PpmlContext ppml = await PpmlContext.OpenAsync(kms, cancellationToken: cancellationToken))
        {
            await TpchDataset.Locate(_data.Plain).RegisterAsync(ppml, cancellationToken: cancellationToken);
            foreach (TpchTable table in TpchSchema.Tables)
            {
                string name = TpchSchema.GetTableName(table);
                (string file, DatasetFormat format, bool encrypt) = table switch
                {
                    TpchTable.LineItem or TpchTable.Orders => (name + ".parquet", DatasetFormat.Parquet, true),
                    TpchTable.Customer => (name + ".csv.ppml", DatasetFormat.Csv, true),
                    _ => (name + ".csv", DatasetFormat.Csv, false),
                };
                await ppml.WriteAsync($"SELECT * FROM {name}", Path.Combine(mixed, file), format, new DatasetWriteOptions { Encrypt = encrypt }, cancellationToken);
            }
        }

        CliResult result = await cli.RunAsync("tpch", "run", "--data", "mixed", "--out", "out");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3 of 8 encrypted", result.Output, StringComparison.Ordinal);
        for (int query = 1; query <= TpchQueries.Count; query++)
        {
            Assert.Equal(await _data.ExpectedCsvAsync(query), File.ReadAllText(cli.Temp.Combine("out", TpchResultWriter.GetFileName(query))));
        }
    }

    private static async Task DecryptWithWorkspaceAsync(CliHarness cli, string container, string plain)
    {
        CliResult decrypt = await cli.RunAsync("decrypt", "--in", container, "--out", plain);
        Assert.True(decrypt.ExitCode == 0, decrypt.ToString());
        Assert.Contains("|", Encoding.ASCII.GetString(File.ReadAllBytes(plain), 0, 200), StringComparison.Ordinal);
    }
}
