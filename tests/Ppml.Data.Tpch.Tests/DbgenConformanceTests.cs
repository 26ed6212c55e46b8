
namespace Ppml.Data.Tpch.Tests;

/// <summary>Compares generated rows with rows of official dbgen output (see TestData/README.md).</summary>
public sealed class DbgenConformanceTests
{
    public static TheoryData<string> Sf1Tables() => ["part", "partsupp", "supplier", "customer", "orders", "lineitem", "nation", "region"];

    [Theory]
    [MemberData(nameof(Sf1Tables))]
    public void Generate_Sf1FirstRows_MatchDbgen(string tableName)
    {
        Assert.True(TpchSchema.TryParseTableName(tableName, out TpchTable table));
        string expected = File.ReadAllText(TblRows.TestDataPath("sf1-head", tableName + ".tbl"));
        long drivingRows = table switch
        {
            TpchTable.PartSupp or TpchTable.Part or TpchTable.Supplier or TpchTable.Customer or TpchTable.Orders => 10,
            TpchTable.LineItem => 10,
            TpchTable.Nation => 25,
            _ => 5,
        };

        string actual = TblRows.Generate(table, 1, 0, drivingRows);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Generate_Sf001FirstRows_MatchDbgen()
    {
        foreach (string line in File.ReadAllLines(TblRows.TestDataPath("sf001-head", "first-rows.tbl")))
        {
            string tableName = line[..line.IndexOf('|', StringComparison.Ordinal)];
            Assert.True(TpchSchema.TryParseTableName(tableName, out TpchTable table));
            string expected = line[(tableName.Length + 1)..] + "\n";

            string actual = TblRows.Generate(table, 0.01, 0, 1);
            string firstRow = actual[..(actual.IndexOf('\n', StringComparison.Ordinal) + 1)];

            Assert.Equal(expected, firstRow);
        }
    }
}
