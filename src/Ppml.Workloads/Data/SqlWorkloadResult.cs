using Ppml.Data;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="SqlWorkload.RunAsync"/> loaded and answered.</summary>
/// <param name="Tables">Each registered table, in order.</param>
/// <param name="Rows">The answer, when no output file was asked for.</param>
/// <param name="Written">The output file, when one was asked for.</param>
/// <param name="KeyName">The key an encrypted output is wrapped under; <see langword="null"/> when nothing encrypted was written.</param>
public sealed record SqlWorkloadResult(IReadOnlyList<TableInfo> Tables, QueryResult? Rows, WriteResult? Written, string? KeyName);
