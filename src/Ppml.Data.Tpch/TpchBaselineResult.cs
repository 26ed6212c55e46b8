namespace Ppml.Data.Tpch;

/// <summary>What <see cref="TpchPlainBaseline.RunAsync"/> measured.</summary>
/// <param name="LoadElapsed">Time to create and load the eight tables from the plaintext files.</param>
/// <param name="Rows">Rows loaded per table.</param>
/// <param name="Queries">The query results with their timings.</param>
public sealed record TpchBaselineResult(TimeSpan LoadElapsed, IReadOnlyDictionary<TpchTable, long> Rows, IReadOnlyList<TpchQueryResult> Queries);
