namespace Ppml.Kms;

/// <summary>How to open a KMS URI: the secrets and trust anchors each provider needs.</summary>
public sealed record KmsConnectionOptions
{
    /// <summary>The password of a <c>file:</c> store.</summary>
    public string? Password { get; init; }

    /// <summary>The API key for an <c>https://</c> KMS server.</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// PEM file of the CA that issued the <c>https://</c> server's certificate (e.g. the workspace's <c>tls/ca.crt</c>);
    /// <see langword="null"/> trusts the system's roots. Certificate validation is never switched off.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The clock; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"KmsConnectionOptions {{ Password = {(Password is null ? "null" : "***")}, ApiKey = {(ApiKey is null ? "null" : "***")}, CaCertificatePath = {CaCertificatePath} }}";
}
