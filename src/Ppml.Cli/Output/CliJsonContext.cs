using System.Text.Json.Serialization;
using Ppml.Cli.Crypt;
using Ppml.Cli.Learning;
using Ppml.Cli.Tpch;
using Ppml.Kms;
using Ppml.Quickstart;

namespace Ppml.Cli.Output;

/// <summary>Source-generated JSON for <c>--json</c> output (camelCase, one object per line).</summary>
[JsonSerializable(typeof(CryptReport))]
[JsonSerializable(typeof(TrainEpochReport))]
[JsonSerializable(typeof(TrainReport))]
[JsonSerializable(typeof(EvaluateReport))]
[JsonSerializable(typeof(PredictReport))]
[JsonSerializable(typeof(Ppml.Workloads.Workspace.WorkspaceInitResult))]
[JsonSerializable(typeof(PrimaryKeyInfo))]
[JsonSerializable(typeof(IReadOnlyList<PrimaryKeyInfo>))]
[JsonSerializable(typeof(QuickstartReport))]
[JsonSerializable(typeof(Ppml.Cli.Sql.SqlReport))]
[JsonSerializable(typeof(TpchGenReport))]
[JsonSerializable(typeof(TpchRunReport))]
[JsonSerializable(typeof(TpchBenchReport))]
[JsonSerializable(typeof(Ppml.Data.Tpch.TpchBenchmarkVariantResult))]
// Named floating-point literals: a ratio is NaN when a run reported no footprint.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class CliJsonContext : JsonSerializerContext;
