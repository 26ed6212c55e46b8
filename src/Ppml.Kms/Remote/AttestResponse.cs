namespace Ppml.Kms.Remote;

/// <summary>Response of <c>POST /v1/attest</c>.</summary>
public sealed record AttestResponse
{
    /// <summary>The attestation token (a JWT signed with ES256; keys at <c>/.well-known/jwks.json</c>).</summary>
    public required string Token { get; init; }

    /// <summary>When the token expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
