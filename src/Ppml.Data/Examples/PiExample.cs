using System.Globalization;

namespace Ppml.Data.Examples;

/// <summary>Spark's <c>pi.py</c>: estimates π by Monte Carlo in SQL (points in the unit square that fall in the quarter circle).</summary>
public static class PiExample
{
    /// <summary>Spark's default: 2 partitions × 100,000 samples.</summary>
    public const long DefaultSamples = 200_000;

    /// <summary>Runs the estimate with <paramref name="samples"/> random points.</summary>
    /// <param name="context">The context.</param>
    /// <param name="samples">How many points (at least 1).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>4 × (points inside) / samples.</returns>
    public static async Task<double> EstimateAsync(PpmlContext context, long samples = DefaultSamples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        string sql = string.Create(
            CultureInfo.InvariantCulture,
            $"SELECT 4.0 * count(*) FILTER (WHERE x * x + y * y <= 1) / {samples} FROM (SELECT random() * 2 - 1 AS x, random() * 2 - 1 AS y FROM range({samples}))");
        QueryResult result = await context.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        return Convert.ToDouble(result.Rows[0][0], CultureInfo.InvariantCulture);
    }

    /// <summary>The line Spark prints: <c>Pi is roughly 3.141520</c>.</summary>
    /// <param name="estimate">The estimate.</param>
    /// <returns>The line.</returns>
    public static string Format(double estimate) => string.Create(CultureInfo.InvariantCulture, $"Pi is roughly {estimate:F6}");
}
