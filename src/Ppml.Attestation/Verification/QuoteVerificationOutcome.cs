namespace Ppml.Attestation.Verification;

/// <summary>The result of a <see cref="QuoteVerification"/> run and what it concluded.</summary>
/// <param name="Result">
/// The verification result, with the policy outcome when a policy was given. For
/// <see cref="QuoteVerificationVerdict.InvalidInput"/>, <see cref="QuoteVerificationResult.Error"/> says which input and why.
/// </param>
/// <param name="Verdict">Accepted, rejected, or unusable input.</param>
public sealed record QuoteVerificationOutcome(QuoteVerificationResult Result, QuoteVerificationVerdict Verdict);
