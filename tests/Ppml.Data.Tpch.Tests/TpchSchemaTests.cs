
namespace Ppml.Data.Tpch.Tests;

public sealed class TpchSchemaTests
{
    [Theory]
    [InlineData(TpchTable.Part, "part", 9)]
    [InlineData(TpchTable.Supplier, "supplier", 7)]
    [InlineData(TpchTable.PartSupp, "partsupp", 5)]
    [InlineData(TpchTable.Customer, "customer", 8)]
    [InlineData(TpchTable.Orders, "orders", 9)]
    [InlineData(TpchTable.LineItem, "lineitem", 16)]
    [InlineData(TpchTable.Nation, "nation", 4)]
    [InlineData(TpchTable.Region, "region", 3)]
    public void Schema_Table_HasTheSpecificationsNameAndColumns(TpchTable table, string name, int columns)
    {
        Assert.Equal(name, TpchSchema.GetTableName(table));
        Assert.Equal(name + ".tbl", TpchSchema.GetFileName(table));
        Assert.Equal(columns, TpchSchema.GetColumns(table).Count);
        Assert.True(TpchSchema.TryParseTableName(name.ToUpperInvariant(), out TpchTable parsed));
        Assert.Equal(table, parsed);
        Assert.All(TpchSchema.GetColumns(table), column => Assert.StartsWith(name == "partsupp" ? "ps_" : name[..1] + "_", column.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void TryParseTableName_Unknown_ReturnsFalse()
    {
        Assert.False(TpchSchema.TryParseTableName("lineitems", out _));
        Assert.False(TpchSchema.TryParseTableName(null, out _));
    }

    [Fact]
    public void Columns_MoneyAndDates_UseDecimalAndDate()
    {
        Assert.Equal(
            ["l_quantity", "l_extendedprice", "l_discount", "l_tax"],
            TpchSchema.GetColumns(TpchTable.LineItem).Where(column => column.SqlType == "DECIMAL(15,2)").Select(column => column.Name));
        Assert.Equal(
            ["l_shipdate", "l_commitdate", "l_receiptdate"],
            TpchSchema.GetColumns(TpchTable.LineItem).Where(column => column.SqlType == "DATE").Select(column => column.Name));
        Assert.Equal("BIGINT", TpchSchema.GetColumns(TpchTable.Orders)[0].SqlType);
        Assert.Equal("VARCHAR(199)", TpchSchema.GetColumns(TpchTable.PartSupp)[4].SqlType);
    }
}
