namespace Ppml.Kms.Server.Attestation;

/// <summary>
/// The verifier used when none is configured: it verifies nothing and says so. Attestation answers 503 rather than
/// accepting evidence it cannot check.
/// </summary>
internal sealed class UnavailableEvidenceVerifier : IEvidenceVerifier
{
    public const string Message =
        "This KMS server has no quote verifier configured, so it cannot verify evidence; attestation and secure key release are unavailable.";

    public string? ValidatePolicy(string policyJson) => null;

    public Task<EvidenceVerdict> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte>? collateral, string policyJson, CancellationToken cancellationToken) =>
        throw new KmsException(KmsErrorCode.ServiceUnavailable, Message);
}
