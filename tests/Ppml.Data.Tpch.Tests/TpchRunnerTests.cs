using Microsoft.Extensions.Time.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary>The 22 queries on SF 0.01 data loaded into DuckDB (in memory, shared read-only by the fixture).</summary>
public sealed class TpchRunnerTests(TpchSf001Fixture fixture) : IClassFixture<TpchSf001Fixture>
{
    private static readonly Dictionary<int, int> Limits = new() { [2] = 100, [3] = 10, [10] = 20, [18] = 100, [21] = 100 };

    public static TheoryData<int> Queries() => [.. TpchQueries.All];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task RunAsync_EachQueryAtSf001_ReturnsRows(int query)
    {
        IReadOnlyList<TpchQueryResult> results = await TpchRunner.RunAsync(fixture.Connection, [query], 0.01, cancellationToken: TestContext.Current.CancellationToken);

        TpchQueryResult result = Assert.Single(results);
        Assert.Equal(query, result.Query);
        Assert.NotEmpty(result.Columns);
        Assert.NotEmpty(result.Rows);
        Assert.All(result.Rows, row => Assert.Equal(result.Columns.Count, row.Count));
        if (query == 17)
        {
            // Q17 is one aggregate row; its sum is NULL when no line of a Brand#23 MED BOX part is below 20% of
            // the part's average quantity, which is the case at SF 0.01 (two such parts). Check that independently.
            long qualifying = await Sql.CountAsync(
                fixture.Connection,
                "select count(*) from lineitem l join part p on p.p_partkey = l.l_partkey where p.p_brand = 'Brand#23' and p.p_container = 'MED BOX' "
                + "and l.l_quantity * 5 < (select avg(l_quantity) from lineitem where l_partkey = p.p_partkey)",
                TestContext.Current.CancellationToken);
            Assert.Equal(qualifying == 0, result.Rows[0][0].Length == 0);
        }
        else
        {
            Assert.Contains(result.Rows, row => row.Any(value => value.Length > 0));
        }

        if (Limits.TryGetValue(query, out int limit))
        {
            Assert.InRange(result.Rows.Count, 1, limit);
        }
    }

    [Fact]
    public async Task RunAsync_Q1AtSf001_HasTheFourFlagGroupsAndCountsEveryLine()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        TpchQueryResult q1 = Assert.Single(await TpchRunner.RunAsync(fixture.Connection, [1], 0.01, cancellationToken: cancellationToken));

        Assert.Equal(["l_returnflag", "l_linestatus", "sum_qty", "sum_base_price", "sum_disc_price", "sum_charge", "avg_qty", "avg_price", "avg_disc", "count_order"], q1.Columns);
        Assert.Equal(["A|F", "N|F", "N|O", "R|F"], q1.Rows.Select(row => $"{row[0]}|{row[1]}"));
        long counted = q1.Rows.Sum(row => long.Parse(row[9], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(await Sql.CountAsync(fixture.Connection, "select count(*) from lineitem where l_shipdate <= date '1998-09-02'", cancellationToken), counted);
        Assert.Matches(@"^\d+\.00$", q1.Rows[0][2]);
        Assert.Matches(@"^\d+\.\d{2}$", q1.Rows[0][3]);
    }

    [Fact]
    public async Task RunAsync_AllQueries_ReportsEachInOrderWithTimings()
    {
        var reported = new List<int>();
        var clock = new FakeTimeProvider();
        IReadOnlyList<TpchQueryResult> results = await TpchRunner.RunAsync(
            fixture.Connection,
            progress: new SynchronousProgress<TpchQueryResult>(result => reported.Add(result.Query)),
            scaleFactor: 0.01,
            timeProvider: clock,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TpchQueries.All, results.Select(result => result.Query));
        Assert.Equal(TpchQueries.All, reported);
        Assert.All(results, result => Assert.Equal(TimeSpan.Zero, result.Elapsed));
    }

    [Fact]
    public async Task RunAsync_UnknownQuery_ThrowsBeforeRunningAny()
    {
        var reported = new List<int>();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TpchRunner.RunAsync(
            fixture.Connection,
            [1, 23],
            progress: new SynchronousProgress<TpchQueryResult>(result => reported.Add(result.Query)),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(reported);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TpchRunner.RunAsync(fixture.Connection, [1], cancellationToken: cancellation.Token));
    }

    [Fact]
    public void Format_Values_AreCultureIndependent()
    {
        Assert.Equal("1995-03-15", TpchRunner.Format(new DateOnly(1995, 3, 15)));
        Assert.Equal("1995-03-15", TpchRunner.Format(new DateTime(1995, 3, 15)));
        Assert.Equal("1234.50", TpchRunner.Format(1234.50m));
        Assert.Equal("7.00", TpchRunner.Format(7m, 2));
        Assert.Equal(2, TpchRunner.DecimalScale("DECIMAL(38,2)"));
        Assert.Equal(-1, TpchRunner.DecimalScale("DOUBLE"));
        Assert.Equal("0.1", TpchRunner.Format(0.1));
        Assert.Equal("-7", TpchRunner.Format(-7L));
        Assert.Equal("BRAZIL", TpchRunner.Format("BRAZIL"));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
