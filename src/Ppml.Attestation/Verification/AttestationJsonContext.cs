using System.Text.Encodings.Web;
using System.Text.Json;
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

/// <summary>Output options: the generated metadata, written without escaping apostrophes in messages.</summary>
internal static class AttestationJson
{
    // A separate class: a static initializer inside the generated context could run before its Default exists.
    public static JsonSerializerOptions Output { get; } = new()
    {
        TypeInfoResolver = AttestationJsonContext.Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
