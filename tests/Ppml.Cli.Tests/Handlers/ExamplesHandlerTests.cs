namespace Ppml.Cli.Tests.Handlers;

public class ExamplesHandlerTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public ExamplesHandlerTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private CliHarness NewHarness() => _workspace.NewHarness();

    [Fact]
    public async Task Pi_PrintsSparksLine()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("examples", "pi", "--samples", "100000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^Pi is roughly 3\.\d{6}\n$", result.Output);
    }

    [Fact]
    public async Task WordCount_EncryptedInput_PrintsFlinkPairs()
    {
        using CliHarness cli = NewHarness();
        cli.Write("t.txt", "To be, or not to be,--that is the question:--\n");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "t.txt", "--out", "t.txt.ppml")).ExitCode);

        CliResult result = await cli.RunAsync("examples", "wordcount", "--in", "t.txt.ppml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("(be,2)\n(is,1)\n(not,1)\n(or,1)\n(question,1)\n(that,1)\n(the,1)\n(to,2)\n", result.Output);
    }

    [Fact]
    public async Task WordCount_Default_WritesEncryptedOutput()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("examples", "wordcount", "--out", "counts.csv", "--encrypt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("170 word counts (encrypted)", result.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(cli.Temp.Combine("counts.csv.ppml")));
    }

    [Fact]
    public async Task SqlBasic_PrintsEightJustinLines()
    {
        using CliHarness cli = NewHarness();

        CliResult result = await cli.RunAsync("examples", "sql-basic");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(8, result.Output.Split('\n').Count(l => l.Contains("Justin", StringComparison.Ordinal)));
        Assert.Contains("Name: Justin", result.Output, StringComparison.Ordinal);
    }
}
