using System.Globalization;

namespace Ppml.Data.Tpch;

/// <summary>Every sample of a benchmark, by repeat, variant and step (<c>load</c>, <c>Q1</c> … <c>Q22</c>).</summary>
internal sealed class TpchBenchmarkMeasurements
{
    public const string LoadStep = "load";

    private readonly Dictionary<(int Repeat, string Variant, string Step), TpchBenchmarkSample> _samples = [];
    private readonly Dictionary<(int Repeat, string Variant), TpchBenchmarkVariantResult> _runs = [];

    public static string Step(int query) => string.Create(CultureInfo.InvariantCulture, $"Q{query}");

    public void Add(int repeat, string variant, string step, TpchBenchmarkSample sample) => _samples[(repeat, variant, step)] = sample;

    /// <summary>Records every step of a variant's run.</summary>
    public void Add(int repeat, TpchBenchmarkVariantResult result)
    {
        _runs[(repeat, result.Variant)] = result;
        Add(repeat, result.Variant, LoadStep, result.Load);
        foreach (TpchBenchmarkQuerySample query in result.Queries)
        {
            Add(repeat, result.Variant, Step(query.Query), query.Sample);
        }
    }

    /// <summary>The run of <paramref name="variant"/> in <paramref name="repeat"/>, when it was recorded whole.</summary>
    public TpchBenchmarkVariantResult? Run(int repeat, string variant) => _runs.GetValueOrDefault((repeat, variant));

    public TpchBenchmarkSample Get(int repeat, string variant, string step) => _samples[(repeat, variant, step)];

    public TpchBenchmarkSample Load(int repeat, string variant) => Get(repeat, variant, LoadStep);

    public TpchBenchmarkSample Queries(int repeat, string variant, IEnumerable<int> queries) =>
        queries.Aggregate(default(TpchBenchmarkSample), (sum, query) => sum + Get(repeat, variant, Step(query)));

    public TpchBenchmarkSample Total(int repeat, string variant, IEnumerable<int> queries) => Load(repeat, variant) + Queries(repeat, variant, queries);
}
