using Ppml.Data.Tpch;

namespace Ppml.Workloads.Data;

/// <summary>What <see cref="TpchWorkload.RunExampleAsync"/> generated and answered.</summary>
/// <param name="Generation">The encrypted dataset written.</param>
/// <param name="Run">The tables loaded and the answers.</param>
public sealed record TpchExampleResult(TpchGenerationOutcome Generation, TpchRunSummary Run);
