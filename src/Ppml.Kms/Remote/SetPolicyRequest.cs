using System.Text.Json;

namespace Ppml.Kms.Remote;

/// <summary>Body of <c>PUT /v1/policies/{id}</c>.</summary>
public sealed record SetPolicyRequest
{
    /// <summary>A human description.</summary>
    public string? Description { get; init; }

    /// <summary>The appraisal policy (JSON object) the evidence verifier evaluates.</summary>
    public required JsonElement Policy { get; init; }
}
