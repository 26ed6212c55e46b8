using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;

namespace Ppml.Kms.Server;

/// <summary>Settings of the KMS server (<c>ppml kms serve</c>).</summary>
public sealed class KmsServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KmsServer";

    /// <summary>The largest request body accepted, in bytes (1 MiB): quotes with collateral fit; anything larger is refused with 413.</summary>
    public const long MaxRequestBodySize = 1024 * 1024;

    /// <summary>The address the server listens on when <see cref="Urls"/> is not set.</summary>
    public const string DefaultUrl = "https://127.0.0.1:9876";

    /// <summary>Where to listen: https URLs with an IP address (or <c>localhost</c>/<c>*</c>) and a port; port 0 picks a free one.</summary>
    /// <value>Default: <c>https://127.0.0.1:9876</c>.</value>
    [MinLength(1)]
    public IList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The store directory (SQLite database, operator secret, admin API key).</summary>
    [Required]
    public string StoreDirectory { get; set; } = string.Empty;

    /// <summary>The operator secret file the root key is sealed under.</summary>
    /// <value>Default: <c>STORE/operator.secret</c>, generated (mode 0600) on the first start.</value>
    public string? SecretFile { get; set; }

    /// <summary>The <c>iss</c> claim of attestation tokens.</summary>
    /// <value>Default: <c>ppml-kms</c>.</value>
    [Required]
    [MinLength(1)]
    public string Issuer { get; set; } = "ppml-kms";

    /// <summary>How long an attestation token is valid.</summary>
    /// <value>Default: 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Answer plain reads (a data key generated, or unwrapped with an API key alone) only after their audit record is
    /// durable, like every change. By default those records join the next group commit without the caller waiting, so a
    /// crash can lose the records of at most 1,024 reads answered in the last commit or two (docs/kms.md, "Durability").
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool DurableReadAudits { get; set; }

    /// <summary>The TLS server certificate with its private key (the workspace's <c>tls/keystore.pkcs12</c> by default).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>PBKDF2 iterations deriving the root key's wrapping key from the operator secret (new stores only); tests lower it.</summary>
    internal int KdfIterations { get; set; } = 600_000;

    /// <inheritdoc />
    public override string ToString() =>
        $"KmsServerOptions {{ Urls = {string.Join(' ', Urls)}, StoreDirectory = {StoreDirectory}, SecretFile = {SecretFile ?? "(store)"}, Issuer = {Issuer}, " +
        $"TokenLifetime = {TokenLifetime}, DurableReadAudits = {DurableReadAudits}, Certificate = {Certificate?.Subject ?? "none"} }}";
}
