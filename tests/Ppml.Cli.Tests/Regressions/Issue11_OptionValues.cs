namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 11, item 10: a bad option value is one line naming the option, exit 2 — never .NET exception text or a .NET
/// type name — and it is refused while parsing, before any workspace or file is touched.
/// </summary>
public sealed class Issue11_OptionValues
{
    [Theory]
    [InlineData("0", "--segment-size 0: must be between 4096 and 67108864 bytes.")]
    [InlineData("100000000", "--segment-size 100000000: must be between 4096 and 67108864 bytes.")]
    [InlineData("abc", "--segment-size: 'abc' is not a whole number.")]
    public async Task Encrypt_BadSegmentSize_IsOneLineNamingTheOption(string value, string expected)
    {
        using var cli = new CliHarness();
        cli.Write("a.txt", "hello\n");

        CliResult result = await cli.RunAsync("encrypt", "--in", "a.txt", "--out", "a.txt.ppml", "--segment-size", value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"ppml: {expected}", result.Error.Split('\n')[0].TrimEnd());
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("workspace", result.Error, StringComparison.Ordinal); // refused before the workspace is looked up
        Assert.False(File.Exists(cli.Temp.Combine("a.txt.ppml")));
    }

    [Fact]
    public async Task NonNumericScaleFactor_SaysNumberNotTypeName()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("tpch", "gen", "--sf", "x", "--out", "data");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("ppml: --sf: 'x' is not a number.", result.Error.Split('\n')[0].TrimEnd());
    }
}
