namespace Ppml.Data.Tpch;

/// <summary>One query of a variant's run: its cost and a digest of its answer.</summary>
/// <param name="Query">The query number, 1..22.</param>
/// <param name="Sample">Wall time (execute and read the rows) and the process's CPU time over it.</param>
/// <param name="Rows">Rows in the answer.</param>
/// <param name="AnswerDigest">
/// SHA-256 (hex) of the answer as text (<see cref="TpchBenchmark.DigestAnswer"/>): two runs answered the same exactly when
/// their digests are equal.
/// </param>
public sealed record TpchBenchmarkQuerySample(int Query, TpchBenchmarkSample Sample, int Rows, string AnswerDigest);
