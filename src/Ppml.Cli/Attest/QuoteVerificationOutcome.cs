using Ppml.Attestation.Verification;

namespace Ppml.Cli.Attest;

/// <summary>The result of <c>ppml attest verify</c> and the process exit code it maps to.</summary>
/// <param name="Result">The verification result (with the policy outcome, when a policy was given).</param>
/// <param name="ExitCode">0 valid (and accepted by the policy), 1 not, 2 invalid input (missing file, bad policy or time).</param>
internal sealed record QuoteVerificationOutcome(QuoteVerificationResult Result, int ExitCode)
{
    /// <summary>Exit code for a valid, accepted quote.</summary>
    public const int Accepted = 0;

    /// <summary>Exit code for a quote that did not verify or that the policy rejected.</summary>
    public const int Rejected = 1;

    /// <summary>Exit code for unusable input (a file that cannot be read, a malformed policy, root or time).</summary>
    public const int InvalidInput = 2;

    /// <summary>The result as one JSON object (for <c>--json</c>).</summary>
    /// <returns>JSON text.</returns>
    public string ToJson() => Result.ToJson();

    /// <summary>The result for people.</summary>
    /// <returns>Text.</returns>
    public string ToDisplayString() => Result.ToDisplayString();
}
