using System.Text.Json.Serialization;

namespace Ppml.Workloads.Workspace;

/// <summary><c>config.json</c> of a workspace.</summary>
public sealed class WorkspaceConfig
{
    /// <summary>The format this version writes and reads.</summary>
    public const string CurrentFormat = "ppml-workspace/1";

    /// <summary>The format name.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>"simulation", "sgx" or "tdx". Simulation is only ever set explicitly (here or PPML_TEE).</summary>
    [JsonPropertyName("tee")]
    public required string Tee { get; init; }

    /// <summary>The default KMS URI; relative file: paths resolve against the workspace.</summary>
    [JsonPropertyName("kms")]
    public required string Kms { get; init; }

    /// <summary>The key outputs are encrypted under when a command names none.</summary>
    [JsonPropertyName("defaultKey")]
    public required string DefaultKey { get; init; }

    /// <summary>When <c>ppml init</c> wrote it.</summary>
    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Source-generated JSON for <see cref="WorkspaceConfig"/>.</summary>
[JsonSerializable(typeof(WorkspaceConfig))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class WorkspaceJsonContext : JsonSerializerContext;
