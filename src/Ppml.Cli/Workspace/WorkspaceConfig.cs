using System.Text.Json.Serialization;

namespace Ppml.Cli.Workspace;

/// <summary><c>config.json</c> of a workspace.</summary>
internal sealed class WorkspaceConfig
{
    public const string CurrentFormat = "ppml-workspace/1";

    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>"simulation", "sgx" or "tdx". Simulation is only ever set explicitly (here or PPML_TEE).</summary>
    [JsonPropertyName("tee")]
    public required string Tee { get; init; }

    /// <summary>The default KMS URI; relative file: paths resolve against the workspace.</summary>
    [JsonPropertyName("kms")]
    public required string Kms { get; init; }

    [JsonPropertyName("defaultKey")]
    public required string DefaultKey { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }
}

[JsonSerializable(typeof(WorkspaceConfig))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class WorkspaceJsonContext : JsonSerializerContext;
