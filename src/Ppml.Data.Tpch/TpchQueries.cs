using System.Globalization;

namespace Ppml.Data.Tpch;

/// <summary>
/// The 22 TPC-H queries (specification Clause 2.4) in DuckDB SQL, with the specification's validation
/// substitution parameters (Clause 2.4.x.3), each query's ORDER BY and the row limits of Clause 2.1.2.9
/// (Q2 100, Q3 10, Q10 20, Q18 100, Q21 100). Q15's view is a common table expression.
/// </summary>
public static class TpchQueries
{
    /// <summary>The number of TPC-H queries.</summary>
    public const int Count = 22;

    private static readonly string[] Texts = LoadAll();

    /// <summary>The query numbers 1..22.</summary>
    public static IReadOnlyList<int> All { get; } = [.. Enumerable.Range(1, Count)];

    /// <summary>
    /// The SQL of query <paramref name="query"/>. Q11's FRACTION is 0.0001 / <paramref name="scaleFactor"/>
    /// (Clause 2.4.11.3; 0.0001 for validation at SF 1); no other query depends on the scale factor.
    /// </summary>
    /// <param name="query">1..22.</param>
    /// <param name="scaleFactor">The scale factor of the data the query runs on.</param>
    /// <returns>One SQL statement, ending with a semicolon.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="query"/> is not 1..22, or the scale factor is not positive.</exception>
    public static string Get(int query, double scaleFactor = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query, Count);
        if (!double.IsFinite(scaleFactor) || scaleFactor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), scaleFactor, "The scale factor must be positive.");
        }

        string text = Texts[query - 1];
        return query == 11
            ? text.Replace("[FRACTION]", (0.0001m / (decimal)scaleFactor).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : text;
    }

    private static string[] LoadAll()
    {
        var texts = new string[Count];
        for (int query = 1; query <= Count; query++)
        {
            string name = $"Ppml.Data.Tpch.Queries.q{query:00}.sql";
            using Stream stream = typeof(TpchQueries).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The embedded resource {name} is missing from Ppml.Data.Tpch.");
            using var reader = new StreamReader(stream);
            texts[query - 1] = reader.ReadToEnd();
        }

        return texts;
    }
}
