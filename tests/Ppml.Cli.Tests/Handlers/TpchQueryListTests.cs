using Ppml.Cli.Handlers;

namespace Ppml.Cli.Tests.Handlers;

public class TpchQueryListTests
{
    [Theory]
    [InlineData("1,3,5-7", new[] { 1, 3, 5, 6, 7 })]
    [InlineData("22", new[] { 22 })]
    [InlineData(" 2 , 4 - 5 ", new[] { 2, 4, 5 })]
    [InlineData("20-22,1", new[] { 20, 21, 22, 1 })]
    [InlineData("3-3", new[] { 3 })]
    public void Parse_ListsAndRanges_InOrderGiven(string text, int[] expected)
    {
        Assert.Equal(expected, TpchQueryList.Parse(text));
    }

    [Fact]
    public void Parse_Null_IsAll22()
    {
        Assert.Equal(Enumerable.Range(1, 22), TpchQueryList.Parse(null));
    }

    [Theory]
    [InlineData("", "'' is not a query number")]
    [InlineData("0", "'0' is not a query number 1..22")]
    [InlineData("1-23", "'23' is not a query number")]
    [InlineData("7-5", "runs backwards")]
    [InlineData("1,2,1", "names query 1 twice")]
    [InlineData("3,1-4", "names query 3 twice")]
    [InlineData("1;2", "'1;2' is not a query number")]
    [InlineData("-3", "'' is not a query number")]
    public void Parse_Invalid_ThrowsUsageNamingTheProblem(string text, string message)
    {
        CliException exception = Assert.Throws<CliException>(() => TpchQueryList.Parse(text));

        Assert.Equal(ExitCodes.InvalidInput, exception.ExitCode);
        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }
}
