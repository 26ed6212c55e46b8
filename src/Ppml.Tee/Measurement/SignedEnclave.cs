using System.Text.Json.Serialization;

namespace Ppml.Tee.Measurement;

/// <summary>
/// The signed measurement of an enclave (our SIGSTRUCT for simulation mode): MRENCLAVE over every file of the
/// application and its runtime and the trust anchors, MRSIGNER from the signing key, the product id and version, the
/// per-file hashes, the trust anchors, and the RSA signature. See docs/tee.md.
/// </summary>
public sealed class SignedEnclave
{
    /// <summary>The format tag.</summary>
    public const string CurrentFormat = "ppml-sigstruct/2";

    /// <summary>The format tag of this document.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The application name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>MRENCLAVE, lowercase hex (32 bytes).</summary>
    [JsonPropertyName("mrEnclave")]
    public required string MrEnclave { get; init; }

    /// <summary>MRSIGNER, lowercase hex: SHA-256 of the signing key's modulus in little-endian byte order.</summary>
    [JsonPropertyName("mrSigner")]
    public required string MrSigner { get; init; }

    /// <summary>ISVPRODID.</summary>
    [JsonPropertyName("isvProdId")]
    public required int IsvProdId { get; init; }

    /// <summary>ISVSVN.</summary>
    [JsonPropertyName("isvSvn")]
    public required int IsvSvn { get; init; }

    /// <summary>Whether this is a debug enclave.</summary>
    [JsonPropertyName("debug")]
    public required bool Debug { get; init; }

    /// <summary>
    /// The directory the files were measured in: informational only. Verification measures the running application
    /// (<see cref="AppContext.BaseDirectory"/>), never this directory.
    /// </summary>
    [JsonPropertyName("baseDirectory")]
    public required string BaseDirectory { get; init; }

    /// <summary>The measured KMS URL (folded into MRENCLAVE), or <see langword="null"/> when no anchor was recorded.</summary>
    [JsonPropertyName("kmsUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KmsUrl { get; init; }

    /// <summary>The measured KMS CA: lowercase hex SHA-256 of its DER encoding (folded into MRENCLAVE), or <see langword="null"/>.</summary>
    [JsonPropertyName("kmsCaSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KmsCaSha256 { get; init; }

    /// <summary>
    /// Every measured file with its SHA-256, sorted by path (ordinal): application files by relative path, runtime
    /// files as <c>runtime:&lt;component&gt;/&lt;path&gt;</c>.
    /// </summary>
    [JsonPropertyName("files")]
    public required IReadOnlyList<TrustedFile> Files { get; init; }

    /// <summary>The signer's RSA modulus, big-endian base64.</summary>
    [JsonPropertyName("modulus")]
    public required string Modulus { get; init; }

    /// <summary>The signer's public exponent (3 for SGX).</summary>
    [JsonPropertyName("exponent")]
    public required int Exponent { get; init; }

    /// <summary>RSASSA-PKCS1-v1_5 SHA-256 signature over the signed body, base64.</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }
}

/// <summary>One measured file.</summary>
/// <param name="Path">Path relative to the application directory, '/' separated, or <c>runtime:&lt;component&gt;/&lt;path&gt;</c>.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content.</param>
public sealed record TrustedFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sha256")] string Sha256);
