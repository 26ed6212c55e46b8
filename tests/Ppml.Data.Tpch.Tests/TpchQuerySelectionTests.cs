namespace Ppml.Data.Tpch.Tests;

public class TpchQuerySelectionTests
{
    [Theory]
    [InlineData("1,3,5-7", new[] { 1, 3, 5, 6, 7 })]
    [InlineData("22", new[] { 22 })]
    [InlineData(" 2 , 4 - 5 ", new[] { 2, 4, 5 })]
    [InlineData("20-22,1", new[] { 20, 21, 22, 1 })]
    [InlineData("3-3", new[] { 3 })]
    public void Parse_ListsAndRanges_InOrderGiven(string text, int[] expected)
    {
        Assert.Equal(expected, TpchQuerySelection.Parse(text));
    }

    [Fact]
    public void Parse_Null_IsAll22()
    {
        Assert.Equal(Enumerable.Range(1, 22), TpchQuerySelection.Parse(null));
    }

    [Theory]
    [InlineData("", "Query list '': '' is not a query number 1..22; write a list of numbers and ranges such as 1,3,5-7.")]
    [InlineData("0", "Query list '0': '0' is not a query number 1..22")]
    [InlineData("1-23", "'23' is not a query number")]
    [InlineData("7-5", "Query list '7-5': the range '7-5' runs backwards; write it as 5-7.")]
    [InlineData("1,2,1", "Query list '1,2,1' names query 1 twice.")]
    [InlineData("3,1-4", "names query 3 twice")]
    [InlineData("1;2", "'1;2' is not a query number")]
    [InlineData("-3", "'' is not a query number")]
    [InlineData("+3", "'+3' is not a query number")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheProblem(string text, string message)
    {
        FormatException exception = Assert.Throws<FormatException>(() => TpchQuerySelection.Parse(text));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListName_NamesTheListInMessages()
    {
        FormatException exception = Assert.Throws<FormatException>(() => TpchQuerySelection.Parse("9,9", "--queries"));

        Assert.Equal("--queries '9,9' names query 9 twice.", exception.Message);
    }
}
