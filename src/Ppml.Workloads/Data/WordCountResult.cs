using Ppml.Data;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="ExampleWorkloads.WordCountAsync"/> counted.</summary>
/// <param name="Counts">(word, count) pairs sorted by word, when no output file was asked for.</param>
/// <param name="Written">The output file, when one was asked for.</param>
public sealed record WordCountResult(IReadOnlyList<(string Word, long Count)>? Counts, WriteResult? Written);
