namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/keys/{name}/unwrap</c>.</summary>
public sealed record UnwrapRequest
{
    /// <summary>The primary key version that wrapped <see cref="WrappedKey"/>.</summary>
    public required int KeyVersion { get; init; }

    /// <summary>The wrapped data key.</summary>
    public required byte[] WrappedKey { get; init; }

    /// <summary>An attestation token from <c>POST /v1/attest</c>; required when the key has a release policy.</summary>
    public string? AttestationToken { get; init; }
}
