using System.Text.Json.Serialization;

namespace Ppml.Kms.Release;

/// <summary>
/// A data key released to an attested TEE: encrypted to the TEE's ephemeral P-256 key with
/// <see cref="KeyRelease.Algorithm"/> (see docs/kms.md, "Secure key release"). Only the holder of the private key opens it.
/// </summary>
public sealed record ReleasedDataKey
{
    /// <summary>Always <see cref="KeyRelease.Algorithm"/>.</summary>
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    /// <summary>The KMS's one-time P-256 public key (SPKI DER).</summary>
    [JsonPropertyName("ephemeralPublicKey")]
    public required byte[] EphemeralPublicKey { get; init; }

    /// <summary>The AES-GCM nonce (12 bytes).</summary>
    [JsonPropertyName("nonce")]
    public required byte[] Nonce { get; init; }

    /// <summary>AES-256-GCM ciphertext of the data key followed by the 16-byte tag.</summary>
    [JsonPropertyName("ciphertext")]
    public required byte[] Ciphertext { get; init; }
}
