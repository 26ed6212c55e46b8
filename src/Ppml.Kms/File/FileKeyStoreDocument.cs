using System.Text.Json.Serialization;

namespace Ppml.Kms.File;

/// <summary>The on-disk shape of <c>kms.json</c>; see docs/formats/kms-file-store-v2.md.</summary>
internal sealed class FileKeyStoreDocument
{
    /// <summary>Written by every create and update: values sealed with DerivedKeyAead (format 3), data keys wrapped in format 3.</summary>
    public const string CurrentFormat = "ppml-kms-file/2";

    /// <summary>Still read (docs/formats/kms-file-store-v1.md): values sealed with a random GCM nonce; rewritten as v2 by the next update.</summary>
    public const string LegacyFormat = "ppml-kms-file/1";

    [JsonPropertyName("format")]
    public required string Format { get; set; }

    [JsonPropertyName("revision")]
    public required long Revision { get; set; }

    [JsonPropertyName("kdf")]
    public required KdfDocument Kdf { get; init; }

    [JsonPropertyName("check")]
    public required string Check { get; init; }

    [JsonPropertyName("keys")]
    public required List<PrimaryKeyDocument> Keys { get; init; }
}

/// <summary>Key derivation parameters.</summary>
internal sealed class KdfDocument
{
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    [JsonPropertyName("iterations")]
    public required int Iterations { get; init; }

    [JsonPropertyName("salt")]
    public required string Salt { get; init; }
}

/// <summary>One primary key with its versions.</summary>
internal sealed class PrimaryKeyDocument
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("versions")]
    public required List<KeyVersionDocument> Versions { get; init; }
}

/// <summary>One version: its material sealed under the store key.</summary>
internal sealed class KeyVersionDocument
{
    [JsonPropertyName("version")]
    public required int Version { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("material")]
    public required string Material { get; init; }
}

[JsonSerializable(typeof(FileKeyStoreDocument))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class FileKeyStoreJsonContext : JsonSerializerContext;
