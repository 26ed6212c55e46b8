namespace Ppml.Kms.Server.Attestation;

/// <summary>The claims of an attestation token (JWT names in docs/kms.md).</summary>
internal sealed record AttestationClaims
{
    public required string Issuer { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required string TokenId { get; init; }

    public required string Tee { get; init; }

    public required string PolicyId { get; init; }

    public string? MrEnclave { get; init; }

    public string? MrSigner { get; init; }

    public int? IsvProdId { get; init; }

    public int? IsvSvn { get; init; }

    public string? MrTd { get; init; }

    public IReadOnlyList<string>? Rtmrs { get; init; }

    public required string TcbStatus { get; init; }

    public required IReadOnlyList<string> AdvisoryIds { get; init; }

    /// <summary>Lowercase hex SHA-256 of the runtime key's SPKI.</summary>
    public required string RuntimeKeySha256 { get; init; }

    /// <summary>The runtime key's SPKI (DER).</summary>
    public required byte[] RuntimeKey { get; init; }
}
