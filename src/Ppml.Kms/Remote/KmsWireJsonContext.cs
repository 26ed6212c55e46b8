using System.Text.Json.Serialization;

namespace Ppml.Kms.Remote;

/// <summary>
/// Source-generated JSON for the KMS server's HTTP API (camelCase; byte arrays as base64). A JSON object with a
/// duplicate member is refused, so a policy read with it cannot mean one thing to one parser and another to the next.
/// </summary>
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(KeyDescription))]
[JsonSerializable(typeof(IReadOnlyList<KeyDescription>))]
[JsonSerializable(typeof(KeyReleasePolicy))]
[JsonSerializable(typeof(GenerateDataKeyRequest))]
[JsonSerializable(typeof(DataKeyResponse))]
[JsonSerializable(typeof(WrapDataKeyRequest))]
[JsonSerializable(typeof(WrapDataKeyResponse))]
[JsonSerializable(typeof(SetKeyAccessRequest))]
[JsonSerializable(typeof(UnwrapRequest))]
[JsonSerializable(typeof(UnwrapResponse))]
[JsonSerializable(typeof(AttestRequest))]
[JsonSerializable(typeof(AttestResponse))]
[JsonSerializable(typeof(AttestationPolicyDocument))]
[JsonSerializable(typeof(IReadOnlyList<AttestationPolicyDocument>))]
[JsonSerializable(typeof(SetPolicyRequest))]
[JsonSerializable(typeof(CreateApplicationRequest))]
[JsonSerializable(typeof(ApplicationDescription))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationDescription>))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(IReadOnlyList<AuditRecord>))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false)]
public sealed partial class KmsWireJsonContext : JsonSerializerContext;
