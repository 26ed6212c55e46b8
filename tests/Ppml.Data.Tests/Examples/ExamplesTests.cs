using Ppml.Data.Examples;
using Ppml.Testing;

namespace Ppml.Data.Tests.Examples;

public sealed class ExamplesTests : IClassFixture<KmsFixture>
{
    private readonly KmsFixture _fixture;

    public ExamplesTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WordCount_EncryptedHamlet_EqualsFlinkExpected()
    {
        using var temp = new TempDirectory();
        string hamlet = SharedData.PathOf("data", "text", "hamlet.txt");
        string[] expected = File.ReadAllLines(SharedData.PathOf("data", "text", "hamlet.wordcount.expected.txt"));
        string encrypted = await DataFiles.EncryptAsync(_fixture.Kms, hamlet, temp.Combine("hamlet.txt.ppml"));
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        IReadOnlyList<(string Word, long Count)> counts = await WordCountExample.RunAsync(context, encrypted, requireEncrypted: true, Token);

        Assert.Equal(expected, counts.Select(WordCountExample.Format).ToArray());
        Assert.Equal(287, counts.Sum(c => c.Count));
    }

    [Fact]
    public async Task WordCount_EmbeddedSample_IsTheSharedHamlet()
    {
        using Stream embedded = ExampleData.Open(ExampleData.Hamlet);
        using var reader = new StreamReader(embedded);

        Assert.Equal(File.ReadAllText(SharedData.PathOf("data", "text", "hamlet.txt")), await reader.ReadToEndAsync(Token));
    }

    [Fact]
    public async Task SqlBasic_OnEncryptedSamples_PrintsSparksOutput()
    {
        using var temp = new TempDirectory();
        string json = await ExampleData.EncryptToAsync(_fixture.Kms, "primary", ExampleData.PeopleJson, temp.Path, Token);
        string text = await ExampleData.EncryptToAsync(_fixture.Kms, "primary", ExampleData.PeopleText, temp.Path, Token);
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);
        var output = new StringWriter();

        await SqlBasicExample.RunAsync(context, json, text, output, requireEncrypted: true, Token);

        string printed = output.ToString();
        string[] justin = printed.Split('\n').Where(l => l.Contains("Justin", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["|  19| Justin|", "| Justin|", "| Justin|       20|", "|  19| Justin|", "|  19| Justin|", "|  19| Justin|", "Name: Justin", "| Justin|"], justin);
        Assert.StartsWith("+----+-------+\n| age|   name|\n+----+-------+\n|null|Michael|\n|  30|   Andy|\n|  19| Justin|\n+----+-------+\n", printed, StringComparison.Ordinal);
        Assert.Contains("|   name|(age + 1)|", printed, StringComparison.Ordinal);
        Assert.Contains("|Michael|     null|", printed, StringComparison.Ordinal);
        Assert.Contains("| 30|Andy|", printed, StringComparison.Ordinal);
        Assert.Contains("|null|    1|", printed, StringComparison.Ordinal);
        Assert.Contains("root\n |-- age: long (nullable = true)\n |-- name: string (nullable = true)\n", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqlBasic_SamplesEqualSharedCopies()
    {
        foreach (string name in new[] { ExampleData.PeopleJson, ExampleData.PeopleText })
        {
            using Stream embedded = ExampleData.Open(name);
            using var reader = new StreamReader(embedded);
            Assert.Equal(File.ReadAllText(SharedData.PathOf("data", "spark-examples", name)), await reader.ReadToEndAsync(Token));
        }
    }

    [Fact]
    public async Task Pi_IsRoughlyPi()
    {
        await using PpmlContext context = await DataFiles.OpenAsync(_fixture.Kms);

        double pi = await PiExample.EstimateAsync(context, 400_000, Token);

        Assert.InRange(pi, 3.1, 3.18);
        Assert.Matches(@"^Pi is roughly 3\.1\d{5}$", PiExample.Format(pi));
    }

    [Fact]
    public void TableString_LongCellsAreCutAndExtraRowsNoted()
    {
        var result = new QueryResult(
            [new QueryColumn("x", "VARCHAR", typeof(string))],
            [["a"], ["abcdefghijklmnopqrstuvwxyz"], [null]]);

        Assert.Equal(
            "+--------------------+\n|                   x|\n+--------------------+\n|                   a|\n|abcdefghijklmnopq...|\n+--------------------+\nonly showing top 2 rows\n",
            result.ToTableString(maxRows: 2));
    }
}
