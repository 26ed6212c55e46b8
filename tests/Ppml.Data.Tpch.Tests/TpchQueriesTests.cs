using System.Text.RegularExpressions;

namespace Ppml.Data.Tpch.Tests;

public sealed partial class TpchQueriesTests
{
    public static TheoryData<int> Queries() => [.. TpchQueries.All];

    [Theory]
    [InlineData(2, 100)]
    [InlineData(3, 10)]
    [InlineData(10, 20)]
    [InlineData(18, 100)]
    [InlineData(21, 100)]
    public void Get_QueriesWithARowLimit_EndWithTheSpecificationsLimit(int query, int limit)
    {
        Assert.EndsWith($"limit {limit};", TpchQueries.Get(query).TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Get_AnyQuery_IsOneStatementWithTheSpecificationsOrdering(int query)
    {
        string sql = TpchQueries.Get(query);

        Assert.Single(sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), part => part.Length > 0);
        Assert.DoesNotContain("[FRACTION]", sql, StringComparison.Ordinal);

        // Every query but the single-row aggregates (Q6, Q14, Q17, Q19) orders its answer (Clause 2.4).
        bool ordered = sql.Contains("order by", StringComparison.Ordinal);
        Assert.Equal(query is not (6 or 14 or 17 or 19), ordered);
        Assert.Equal(query is 2 or 3 or 10 or 18 or 21, LimitPattern().IsMatch(sql));
    }

    [Theory]
    [InlineData(1, "interval '90' day")]
    [InlineData(2, "p_size = 15")]
    [InlineData(2, "'%BRASS'")]
    [InlineData(2, "r_name = 'EUROPE'")]
    [InlineData(3, "c_mktsegment = 'BUILDING'")]
    [InlineData(3, "date '1995-03-15'")]
    [InlineData(4, "date '1993-07-01'")]
    [InlineData(5, "r_name = 'ASIA'")]
    [InlineData(6, "l_discount between 0.06 - 0.01 and 0.06 + 0.01")]
    [InlineData(6, "l_quantity < 24")]
    [InlineData(7, "(n1.n_name = 'FRANCE' and n2.n_name = 'GERMANY')")]
    [InlineData(8, "p_type = 'ECONOMY ANODIZED STEEL'")]
    [InlineData(9, "'%green%'")]
    [InlineData(10, "date '1993-10-01'")]
    [InlineData(11, "n_name = 'GERMANY'")]
    [InlineData(12, "l_shipmode in ('MAIL', 'SHIP')")]
    [InlineData(13, "'%special%requests%'")]
    [InlineData(14, "date '1995-09-01'")]
    [InlineData(15, "date '1996-01-01'")]
    [InlineData(16, "p_size in (49, 14, 23, 45, 19, 3, 36, 9)")]
    [InlineData(16, "p_brand <> 'Brand#45'")]
    [InlineData(17, "p_container = 'MED BOX'")]
    [InlineData(18, "sum(l_quantity) > 300")]
    [InlineData(19, "p_brand = 'Brand#34'")]
    [InlineData(20, "p_name like 'forest%'")]
    [InlineData(20, "n_name = 'CANADA'")]
    [InlineData(21, "n_name = 'SAUDI ARABIA'")]
    [InlineData(22, "('13', '31', '23', '29', '30', '18', '17')")]
    public void Get_Query_UsesTheValidationParameters(int query, string fragment)
    {
        Assert.Contains(fragment, TpchQueries.Get(query), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "0.0001")]
    [InlineData(0.01, "0.01")]
    [InlineData(0.1, "0.001")]
    [InlineData(10, "0.00001")]
    public void Get_Q11_ScalesFractionBySf(double scaleFactor, string fraction)
    {
        Assert.Contains($"sum(ps_supplycost * ps_availqty) * {fraction}\n", TpchQueries.Get(11, scaleFactor), StringComparison.Ordinal);
    }

    [Fact]
    public void Get_Q15_UsesACommonTableExpressionInsteadOfAView()
    {
        string sql = TpchQueries.Get(15);

        Assert.Contains("with revenue0", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("create view", sql, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(23)]
    public void Get_OutOfRange_Throws(int query)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TpchQueries.Get(query));
    }

    [GeneratedRegex(@"\blimit \d+;\s*$")]
    private static partial Regex LimitPattern();
}
