namespace Ppml.Kms.Server;

/// <summary>
/// What <see cref="KmsServerHost"/> needs to run a KMS server for a deployment: where to listen, the store, the TLS
/// keystore, and which evidence to trust. Nothing here is read from the environment: the caller decides
/// <see cref="IsProduction"/>, so an environment variable can never widen what the server trusts.
/// </summary>
public sealed class KmsServerHostOptions
{
    /// <summary>Where to listen (https URLs); empty for the server's default.</summary>
    /// <value>Default: empty (<c>https://127.0.0.1:9876</c>).</value>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>The store directory (SQLite database, operator secret, admin API key).</summary>
    public required string StoreDirectory { get; init; }

    /// <summary>The operator secret the root key is sealed under; <see langword="null"/> for <c>STORE/operator.secret</c>.</summary>
    public string? SecretFile { get; init; }

    /// <summary>Whether plain reads wait for their audit record to be durable (<see cref="KmsServerOptions.DurableReadAudits"/>).</summary>
    public bool DurableReadAudits { get; init; }

    /// <summary>The PKCS#12 keystore holding the TLS server certificate and its private key.</summary>
    public required string KeystorePath { get; init; }

    /// <summary>The keystore's password (a secret: <see cref="ToString"/> never shows it).</summary>
    public required string KeystorePassword { get; init; }

    /// <summary>A simulated platform the operator asked to trust explicitly; <see langword="null"/> for none.</summary>
    public string? SimulatedPlatformDirectory { get; init; }

    /// <summary>
    /// The simulated platform of a deployment whose own configuration says it runs in simulation; trusted when the
    /// directory exists and neither <see cref="IntelOnly"/> nor <see cref="SimulatedPlatformDirectory"/> is set.
    /// </summary>
    public string? ConfiguredSimulatedPlatformDirectory { get; init; }

    /// <summary>Trust only the Intel SGX Root CA, even when the configuration says simulation.</summary>
    public bool IntelOnly { get; init; }

    /// <summary>Collateral bundles (<c>sgx_ql_qve_collateral_t</c> JSON files) to seed the verifier's cache with.</summary>
    public IReadOnlyList<string> CollateralFiles { get; init; } = [];

    /// <summary>Whether this is a production deployment: no simulated root is trusted at all.</summary>
    public bool IsProduction { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"KmsServerHostOptions {{ Urls = {string.Join(' ', Urls)}, StoreDirectory = {StoreDirectory}, KeystorePath = {KeystorePath}, KeystorePassword = (redacted), " +
        $"SimulatedPlatformDirectory = {SimulatedPlatformDirectory ?? "none"}, ConfiguredSimulatedPlatformDirectory = {ConfiguredSimulatedPlatformDirectory ?? "none"}, " +
        $"IntelOnly = {IntelOnly}, IsProduction = {IsProduction} }}";
}
