namespace Ppml.Kms.Remote;

/// <summary>
/// Body of <c>POST /v1/keys/{name}/wrap</c>: a data key a workload created inside its TEE, to be wrapped under the key's
/// current version. The KMS keeps nothing of it but the audit record.
/// </summary>
public sealed record WrapDataKeyRequest
{
    /// <summary>The data key: exactly 32 bytes.</summary>
    public required byte[] Plaintext { get; init; }

    /// <summary>
    /// An attestation token from <c>POST /v1/attest</c> satisfying the key's release policy; required for a key with a
    /// release policy unless the caller is an admin or one of the key's producers.
    /// </summary>
    public string? AttestationToken { get; init; }
}
