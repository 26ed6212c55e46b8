using System.Text;
using Ppml.Data.Tpch.Generation;

namespace Ppml.Data.Tpch.Tests;

/// <summary>Generates a row range of one table in memory through the internal generators.</summary>
internal static class TblRows
{
    public static string Generate(TpchTable table, double scaleFactor, long firstRow, long rowCount)
    {
        TpchScale scale = TpchScale.Create(scaleFactor);
        var buffer = new TblBuffer();
        var text = new StringBuilder();
        TblGenerator generator = table switch
        {
            TpchTable.Part => new PartGenerator(scale, TextPool.Default, firstRow, rowCount, buffer, null),
            TpchTable.PartSupp => new PartGenerator(scale, TextPool.Default, firstRow, rowCount, null, buffer),
            TpchTable.Supplier => new SupplierGenerator(TextPool.Default, firstRow, rowCount, buffer),
            TpchTable.Customer => new CustomerGenerator(TextPool.Default, firstRow, rowCount, buffer),
            TpchTable.Orders => new OrderGenerator(scale, TextPool.Default, firstRow, rowCount, buffer, null),
            TpchTable.LineItem => new OrderGenerator(scale, TextPool.Default, firstRow, rowCount, null, buffer),
            _ => new NationRegionGenerator(table, TextPool.Default, buffer),
        };
        while (!generator.IsDone)
        {
            generator.Fill();
            text.Append(Encoding.ASCII.GetString(buffer.Written.Span));
            buffer.Clear();
        }

        return text.ToString();
    }

    public static string TestDataPath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);
}
