using System.Text.Json.Serialization;

namespace Ppml.Kms.Server.Storage;

/// <summary>JSON of store columns.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
