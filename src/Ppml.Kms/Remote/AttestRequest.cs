using System.Text.Json;

namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/attest</c>.</summary>
public sealed record AttestRequest
{
    /// <summary>The registered attestation policy to appraise against.</summary>
    public required string PolicyId { get; init; }

    /// <summary>The evidence: an SGX or TDX quote.</summary>
    public required byte[] Evidence { get; init; }

    /// <summary>Verification collateral (PCK chain, CRLs, TCB info, QE identity) as the verifier expects it; optional.</summary>
    public byte[]? Collateral { get; init; }

    /// <summary>The TEE's ephemeral P-256 public key as SubjectPublicKeyInfo (DER); or use <see cref="RuntimeKeyJwk"/>.</summary>
    public byte[]? RuntimeKey { get; init; }

    /// <summary>The TEE's ephemeral public key as an EC P-256 JWK; or use <see cref="RuntimeKey"/>.</summary>
    public JsonElement? RuntimeKeyJwk { get; init; }
}
