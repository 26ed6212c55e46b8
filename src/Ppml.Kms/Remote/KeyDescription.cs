namespace Ppml.Kms.Remote;

/// <summary>A primary key as the KMS server describes it (never its material).</summary>
public sealed record KeyDescription
{
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

    /// <summary>The same as a <see cref="PrimaryKeyInfo"/>.</summary>
    /// <returns>The summary.</returns>
    public PrimaryKeyInfo ToInfo() => new(Name, CurrentVersion, CreatedAt, RotatedAt);
}
