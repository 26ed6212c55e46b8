using System.Text.Json.Serialization;
using Ppml.Attestation.Policy;

namespace Ppml.Attestation.Verification;

/// <summary>Source-generated JSON for results: camelCase, nulls omitted, enums as names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(QuoteVerificationResult))]
[JsonSerializable(typeof(PolicyOutcome))]
internal sealed partial class AttestationJsonContext : JsonSerializerContext;
