namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/keys/{name}/wrap</c>: a data key an attested TEE created, to be wrapped under the key's current version.</summary>
public sealed record WrapDataKeyRequest
{
    /// <summary>The plaintext data key (32 bytes).</summary>
    public required byte[] Plaintext { get; init; }

    /// <summary>The attestation token; required for a key with a release policy unless the caller is one of its producers.</summary>
    public string? AttestationToken { get; init; }
}
