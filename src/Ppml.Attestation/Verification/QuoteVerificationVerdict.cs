namespace Ppml.Attestation.Verification;

/// <summary>What a <see cref="QuoteVerification"/> run concluded.</summary>
public enum QuoteVerificationVerdict
{
    /// <summary>The quote is valid and, when a policy was given, the policy accepted it.</summary>
    Accepted,

    /// <summary>The quote or its collateral did not verify, or the policy rejected it.</summary>
    Rejected,

    /// <summary>The request itself is unusable: a file that cannot be read, a malformed root, policy or time.</summary>
    InvalidInput,
}
