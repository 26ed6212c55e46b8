using System.Text.Json;

namespace Ppml.Kms.Remote;

/// <summary>A registered attestation (appraisal) policy.</summary>
public sealed record AttestationPolicyDocument
{
    /// <summary>The policy id.</summary>
    public required string Id { get; init; }

    /// <summary>A human description.</summary>
    public string? Description { get; init; }

    /// <summary>The appraisal policy handed to the evidence verifier (JSON object).</summary>
    public required JsonElement Policy { get; init; }

    /// <summary>Increments on every update.</summary>
    public required int Version { get; init; }

    /// <summary>When it was last set.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
