namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/apps</c>.</summary>
public sealed record CreateApplicationRequest
{
    /// <summary>The application id (<see cref="KeyNames.Rule"/>).</summary>
    public required string Id { get; init; }

    /// <summary>"app" (default) or "admin".</summary>
    public string Role { get; init; } = "app";
}
