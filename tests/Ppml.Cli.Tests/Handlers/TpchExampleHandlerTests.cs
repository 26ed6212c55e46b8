namespace Ppml.Cli.Tests.Handlers;

public class TpchExampleHandlerTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public TpchExampleHandlerTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    [Fact]
    public async Task ExamplesTpch_RunsAll22OverEncryptedData()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("examples", "tpch");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(Enumerable.Range(1, 22).Select(q => $"{q} finished"), lines[..22]);
        Assert.StartsWith("Generated TPC-H SF 0.01: 8 tables, 86,805 rows, ", lines[22], StringComparison.Ordinal);
        Assert.Contains("encrypted with key 'primary'", lines[22], StringComparison.Ordinal);
        Assert.StartsWith("TPC-H SF 0.01: 22 queries in ", lines[23], StringComparison.Ordinal);
        Assert.Contains("8 of 8 encrypted", lines[23], StringComparison.Ordinal);
        Assert.Equal(24, lines.Length);
    }

    [Fact]
    public async Task Bench_TinyScale_PrintsRatiosAndWritesReport()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("tpch", "bench", "--sf", "0.001", "--repeat", "2", "--parts", "2", "--queries", "1,6", "--report", "results/bench.md", "--work", "work");

        Assert.True(result.ExitCode == 0, result.ToString());
        string report = File.ReadAllText(cli.Temp.Combine("results", "bench.md"));
        Assert.Equal(report, result.Output);
        Assert.Contains("| step | plain | encrypted | ratio | plain-context |", report, StringComparison.Ordinal);
        Assert.Matches(@"\| Q1 \| \d+ \| \d+ \| \d+\.\d\d \| \d+ \|", report);
        Assert.Matches(@"\| Q6 \| \d+ \| \d+ \| \d+\.\d\d \| \d+ \|", report);
        Assert.DoesNotContain("| Q2 |", report, StringComparison.Ordinal);
        Assert.Matches(@"\*\*Total ratio encrypted / plain: \d+\.\d{3}\*\*", report);
        Assert.Contains("| encrypted .tbl.ppml |", report, StringComparison.Ordinal);
        Assert.Equal(6, result.Error.Split('\n').Count(line => line.StartsWith("ppml: bench ", StringComparison.Ordinal) && line.Contains(", CPU ", StringComparison.Ordinal)));
        Assert.Equal(6, result.Error.Split('\n').Count(line => line.StartsWith("ppml: bench ", StringComparison.Ordinal) && line.Contains(": peak footprint ", StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFileSystemEntries(cli.Temp.Combine("work")));
    }

    [Fact]
    public async Task Bench_RatioAboveMax_Exits1()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("tpch", "bench", "--sf", "0.001", "--repeat", "1", "--queries", "6", "--max-ratio", "0.000001");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("exceeds --max-ratio", result.Error, StringComparison.Ordinal);
    }

    private CliHarness NewHarness()
    {
        var harness = new CliHarness();
        _workspace.CopyTo(harness.Home);
        return harness;
    }
}
