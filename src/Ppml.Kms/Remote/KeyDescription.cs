namespace Ppml.Kms.Remote;

/// <summary>A primary key as the KMS server describes it (never its material).</summary>
public sealed record KeyDescription
{
    // Coalesced to empty: a server from before these lists existed omits them (see KeyReleasePolicy for the generator's null).
    private readonly IReadOnlyList<string> _producers = [];
    private readonly IReadOnlyList<string> _readers = [];

    /// <summary>The key's name.</summary>
    public required string Name { get; init; }

    /// <summary>The version new data keys are wrapped with.</summary>
    public required int CurrentVersion { get; init; }

    /// <summary>Every version, oldest first; all of them still unwrap.</summary>
    public required IReadOnlyList<int> Versions { get; init; }

    /// <summary>When version 1 was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the current version was created.</summary>
    public required DateTimeOffset RotatedAt { get; init; }

    /// <summary>When the key was disabled; <see langword="null"/> while enabled.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Applications allowed to use the key; empty means every application.</summary>
    public required IReadOnlyList<string> AllowedApplications { get; init; }

    /// <summary>The release policy; <see langword="null"/> when authenticated applications may unwrap in plaintext.</summary>
    public KeyReleasePolicy? ReleasePolicy { get; init; }

    /// <summary>Applications (besides admins) that may receive plaintext data keys of a key with a release policy; empty: admins only.</summary>
    public IReadOnlyList<string> Producers { get => _producers; init => _producers = value ?? []; }

    /// <summary>Applications (besides admins) that may unwrap a key with a release policy in plaintext without attestation; empty: admins only.</summary>
    public IReadOnlyList<string> Readers { get => _readers; init => _readers = value ?? []; }

    /// <summary>The same as a <see cref="PrimaryKeyInfo"/>.</summary>
    /// <returns>The summary.</returns>
    public PrimaryKeyInfo ToInfo() => new(Name, CurrentVersion, CreatedAt, RotatedAt);
}
