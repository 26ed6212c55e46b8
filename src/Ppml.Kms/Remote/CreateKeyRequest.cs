namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/keys</c>.</summary>
public sealed record CreateKeyRequest
{
    /// <summary>The new key's name (<see cref="KeyNames.Rule"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Applications allowed to use it; <see langword="null"/>: the creating application only (all applications when an admin creates it).</summary>
    public IReadOnlyList<string>? AllowedApplications { get; init; }

    /// <summary>Release policy; <see langword="null"/> for none (admin only).</summary>
    public KeyReleasePolicy? ReleasePolicy { get; init; }

    /// <summary>
    /// Applications that may receive plaintext data keys from <c>datakey</c> for a key with a release policy (the data
    /// owner's encrypting application); <see langword="null"/> or empty: admins only. Setting it needs an admin API key.
    /// </summary>
    public IReadOnlyList<string>? Producers { get; init; }

    /// <summary>
    /// Applications that may unwrap a key with a release policy in plaintext without an attestation token (the data
    /// owner's reading application); <see langword="null"/> or empty: admins only. Setting it needs an admin API key.
    /// </summary>
    public IReadOnlyList<string>? Readers { get; init; }
}
