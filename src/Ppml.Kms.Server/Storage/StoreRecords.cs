using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Storage;

/// <summary>A primary key as held in memory after commit (material stays sealed under the root key).</summary>
internal sealed record KeyState(
    string Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    IReadOnlyList<string> AllowedApplications,
    KeyReleasePolicy? ReleasePolicy,
    IReadOnlyList<KeyVersionState> Versions,
    IReadOnlyList<string> Producers,
    IReadOnlyList<string> Readers)
{
    public KeyVersionState Current => Versions[^1];

    public KeyDescription ToDescription() => new()
    {
        Name = Name,
        CurrentVersion = Current.Version,
        Versions = [.. Versions.Select(v => v.Version)],
        CreatedAt = CreatedAt,
        RotatedAt = Current.CreatedAt,
        DisabledAt = DisabledAt,
        AllowedApplications = AllowedApplications,
        ReleasePolicy = ReleasePolicy,
        Producers = Producers,
        Readers = Readers,
    };

    /// <summary>Whether <paramref name="caller"/> may receive this key's data keys in plaintext without attestation (an admin, or a listed producer).</summary>
    public bool IsProducer(ApplicationState caller) => caller.IsAdmin || Producers.Contains(caller.Id, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="caller"/> may unwrap this key's data keys in plaintext without attestation (an admin, or a listed reader).</summary>
    public bool IsReader(ApplicationState caller) => caller.IsAdmin || Readers.Contains(caller.Id, StringComparer.Ordinal);
}

/// <summary>One version of a primary key: its material sealed under the root key.</summary>
internal sealed record KeyVersionState(int Version, DateTimeOffset CreatedAt, byte[] SealedMaterial);

/// <summary>An application: its API key is known only by the SHA-256 of its secret part.</summary>
internal sealed record ApplicationState(string Id, string Role, string KeyId, byte[] SecretSha256, DateTimeOffset CreatedAt)
{
    public bool IsAdmin => Role == Roles.Admin;

    public ApplicationDescription ToDescription(string? apiKey = null) => new() { Id = Id, Role = Role, CreatedAt = CreatedAt, ApiKey = apiKey };
}

/// <summary>A registered attestation policy.</summary>
internal sealed record PolicyState(string Id, string? Description, string Document, int Version, DateTimeOffset UpdatedAt);

/// <summary>A token-signing key (ECDSA P-256), sealed under the root key.</summary>
internal sealed record SigningKeyState(string KeyId, DateTimeOffset CreatedAt, byte[] SealedMaterial);

/// <summary>What an audit record says, before the writer numbers and chains it.</summary>
internal sealed record AuditEntry(string Application, string Action, string Target);

/// <summary>The two roles.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Application = "app";
}
