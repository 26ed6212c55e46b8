using DuckDB.NET.Data;

namespace Ppml.Data.Tpch.Tests;

/// <summary>
/// The specification's population rules (Clause 4.2.3), checked with SQL on generated data loaded into DuckDB.
/// Each check counts violating rows, which must be zero.
/// </summary>
public abstract class TpchDataIntegrityTests<TFixture>(TFixture fixture)
    where TFixture : TpchDataFixture
{
    // The checks only read: one database per scale factor, loaded once by the fixture.
    private readonly DuckDBConnection _connection = fixture.Connection;

    [Theory]
    [MemberData(nameof(TpchPopulationRules.All), MemberType = typeof(TpchPopulationRules))]
    public async Task GeneratedData_Rule_HasNoViolations(string rule, string violationsSql)
    {
        long violations = await Sql.CountAsync(_connection, violationsSql, TestContext.Current.CancellationToken);

        Assert.True(violations == 0, $"{rule}: {violations} violation(s) at SF {fixture.ScaleFactor}.");
    }

    [Fact]
    public async Task GeneratedData_Cardinalities_FollowTheScaleFactor()
    {
        double sf = fixture.ScaleFactor;
        var expected = new Dictionary<string, long>
        {
            ["part"] = (long)(200_000 * sf),
            ["supplier"] = (long)(10_000 * sf),
            ["partsupp"] = (long)(800_000 * sf),
            ["customer"] = (long)(150_000 * sf),
            ["orders"] = (long)(1_500_000 * sf),
            ["lineitem"] = TpchGenerator.GetRowCount(TpchTable.LineItem, sf),
            ["nation"] = 25,
            ["region"] = 5,
        };

        foreach ((string table, long rows) in expected)
        {
            Assert.Equal(rows, await Sql.CountAsync(_connection, $"select count(*) from {table}", TestContext.Current.CancellationToken));
        }

        long lines = expected["lineitem"];
        Assert.InRange(lines, expected["orders"] * 3.9, expected["orders"] * 4.1);
    }

    [Fact]
    public async Task GeneratedData_BetterBusinessBureauComments_AreRareAndWellFormed()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        long marked = await Sql.CountAsync(_connection, "select count(*) from supplier where s_comment like '%Customer %Complaints%' or s_comment like '%Customer %Recommends%'", cancellationToken);
        long suppliers = await Sql.CountAsync(_connection, "select count(*) from supplier", cancellationToken);

        // dbgen marks a supplier when a draw in 1..10000 is at most 10: 0.1%, so ~10 per SF.
        Assert.InRange(marked, 0, Math.Max(5, suppliers / 200));
    }
}

public sealed class TpchDataIntegritySf001Tests(TpchSf001Fixture fixture)
    : TpchDataIntegrityTests<TpchSf001Fixture>(fixture), IClassFixture<TpchSf001Fixture>;

public sealed class TpchDataIntegritySf01Tests(TpchSf01Fixture fixture)
    : TpchDataIntegrityTests<TpchSf01Fixture>(fixture), IClassFixture<TpchSf01Fixture>;
