namespace Ppml.Kms;

/// <summary>What may be said about a primary key without revealing it.</summary>
/// <param name="Name">The key's name.</param>
/// <param name="CurrentVersion">The version new data keys are wrapped with.</param>
/// <param name="CreatedAt">When version 1 was created.</param>
/// <param name="RotatedAt">When the current version was created.</param>
public sealed record PrimaryKeyInfo(string Name, int CurrentVersion, DateTimeOffset CreatedAt, DateTimeOffset RotatedAt);
