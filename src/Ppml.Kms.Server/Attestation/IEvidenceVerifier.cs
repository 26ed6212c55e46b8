namespace Ppml.Kms.Server.Attestation;

/// <summary>
/// Verifies TEE evidence (an SGX or TDX quote) and appraises it against a registered policy. The KMS server owns this
/// seam so it builds without a particular verifier; the DCAP verifier of Ppml.Attestation plugs in behind it.
/// </summary>
public interface IEvidenceVerifier
{
    /// <summary>Checks a policy document before it is registered.</summary>
    /// <param name="policyJson">The policy (a JSON object).</param>
    /// <returns><see langword="null"/> when the verifier accepts the policy; else a one-line reason.</returns>
    string? ValidatePolicy(string policyJson);

    /// <summary>Verifies <paramref name="evidence"/> and appraises it against <paramref name="policyJson"/>.</summary>
    /// <param name="evidence">The quote bytes (untrusted).</param>
    /// <param name="collateral">Verification collateral, if the caller sent any (untrusted).</param>
    /// <param name="policyJson">The registered policy.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The verdict; a rejected verdict carries the reason. Malformed evidence is a rejection, not an exception.</returns>
    Task<EvidenceVerdict> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte>? collateral, string policyJson, CancellationToken cancellationToken);
}
