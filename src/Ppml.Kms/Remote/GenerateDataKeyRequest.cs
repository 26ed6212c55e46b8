namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/keys/{name}/datakey</c> (optional).</summary>
public sealed record GenerateDataKeyRequest
{
    /// <summary>Whether the response carries the plaintext data key. <value>Default: true.</value></summary>
    public bool IncludePlaintext { get; init; } = true;
}
