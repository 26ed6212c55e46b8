namespace Ppml.Kms.Remote;

/// <summary>An application (an API key holder).</summary>
public sealed record ApplicationDescription
{
    /// <summary>The application id.</summary>
    public required string Id { get; init; }

    /// <summary>"app" or "admin".</summary>
    public required string Role { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The API key: returned once, by <c>POST /v1/apps</c>; the server keeps only its SHA-256.</summary>
    public string? ApiKey { get; init; }
}
