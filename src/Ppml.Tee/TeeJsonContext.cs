using System.Text.Json.Serialization;
using Ppml.Tee.Measurement;

namespace Ppml.Tee;

[JsonSerializable(typeof(EnclaveManifest))]
[JsonSerializable(typeof(SignedEnclave))]
[JsonSerializable(typeof(TrustAnchorsDocument))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class TeeJsonContext : JsonSerializerContext;
