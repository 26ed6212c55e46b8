using System.Text.Json.Serialization;

namespace Ppml.Tee.Measurement;

/// <summary>The JSON of <c>ppml.trust.json</c>: <c>{"kmsUrl": "https://HOST:PORT", "kmsCaSha256": "hex"}</c>.</summary>
internal sealed class TrustAnchorsDocument
{
    [JsonPropertyName("kmsUrl")]
    public string? KmsUrl { get; init; }

    [JsonPropertyName("kmsCaSha256")]
    public string? KmsCaSha256 { get; init; }
}
