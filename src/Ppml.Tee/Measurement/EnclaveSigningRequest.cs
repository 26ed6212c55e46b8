namespace Ppml.Tee.Measurement;

/// <summary>
/// Signing an application described by files (<see cref="EnclaveSigner.SignToFileAsync"/>): the manifest or the
/// application directory, the signing key, the trust anchors to measure, and where to write the signed measurement.
/// Paths are used as given (resolve relative paths first).
/// </summary>
public sealed record EnclaveSigningRequest
{
    /// <summary>The RSA-3072 exponent-3 private key (PEM) to sign with.</summary>
    public required string SigningKeyPath { get; init; }

    /// <summary>Where to write the signed measurement (JSON), atomically.</summary>
    public required string OutputPath { get; init; }

    /// <summary>
    /// A manifest JSON (name, isvProdId, isvSvn, debug, baseDirectory).
    /// <value>Default: <see langword="null"/>, the manifest of the running <c>ppml</c> application (<see cref="EnclaveManifest.ForApplication"/>).</value>
    /// </summary>
    public string? ManifestPath { get; init; }

    /// <summary>The application directory to measure, in place of the manifest's base directory; it must exist.</summary>
    public string? ApplicationDirectory { get; init; }

    /// <summary>The KMS URL (absolute https) to measure as a trust anchor; given together with <see cref="KmsCaPath"/> or not at all.</summary>
    public Uri? KmsUrl { get; init; }

    /// <summary>The KMS CA certificate (PEM or DER) whose SHA-256 to measure; given together with <see cref="KmsUrl"/> or not at all.</summary>
    public string? KmsCaPath { get; init; }

    /// <summary>Whether an existing <see cref="OutputPath"/> is replaced. <value>Default: <see langword="false"/>.</value></summary>
    public bool Overwrite { get; init; }
}
