namespace Ppml.Kms.Remote;

/// <summary>An RFC 9457 problem-details body as the KMS server writes it (the client reads it back).</summary>
public sealed record ProblemResponse
{
    /// <summary>A stable URN: <c>urn:ppml:kms:&lt;code&gt;</c>.</summary>
    public string? Type { get; init; }

    /// <summary>A short summary.</summary>
    public string? Title { get; init; }

    /// <summary>The HTTP status.</summary>
    public int? Status { get; init; }

    /// <summary>The one-line, actionable reason.</summary>
    public string? Detail { get; init; }

    /// <summary>The <see cref="KmsErrorCode"/> name.</summary>
    public string? Code { get; init; }
}
