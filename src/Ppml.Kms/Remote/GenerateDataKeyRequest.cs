namespace Ppml.Kms.Remote;

/// <summary>Body of <c>POST /v1/keys/{name}/datakey</c> (optional).</summary>
public sealed record GenerateDataKeyRequest
{
    /// <summary>
    /// Whether the response carries the plaintext data key. For a key with a release policy only an admin or one of the
    /// key's <see cref="KeyDescription.Producers"/> may ask for it (403 otherwise). <value>Default: false (the wrapped key only).</value>
    /// </summary>
    public bool IncludePlaintext { get; init; }
}
