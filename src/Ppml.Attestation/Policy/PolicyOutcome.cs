namespace Ppml.Attestation.Policy;

/// <summary>The appraisal of a verified quote against an <see cref="AppraisalPolicy"/>.</summary>
public sealed record PolicyOutcome
{
    /// <summary>True when every rule of the policy holds.</summary>
    public required bool Accepted { get; init; }

    /// <summary>Every rule that failed, one sentence each; empty when accepted.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }
}
