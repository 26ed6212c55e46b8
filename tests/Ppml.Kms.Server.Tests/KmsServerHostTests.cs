using Ppml.Attestation.Simulation;
using Ppml.Crypto.Keys;
using Ppml.Kms.Server.Attestation;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests;

/// <summary>
/// Which evidence the server of a deployment trusts: the Intel root always; a simulated platform only when given
/// explicitly or configured, never with Intel-only, never in production; and nothing starts when the settings conflict.
/// </summary>
public sealed class KmsServerHostTests : IAsyncLifetime
{
    private const string Password = "host-keystore-password";
    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Platform => _temp.Combine("platform");

    public async ValueTask InitializeAsync()
    {
        using SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token);
        await platform.SaveAsync(Platform, Token);
    }

    [Fact]
    public async Task CreateVerifier_ConfiguredPlatform_TrustedUnlessIntelOnlyOrMissing_ExplicitPlatformTrusted()
    {
        DcapEvidenceVerifier configured = await KmsServerHost.CreateVerifierAsync(Options(configured: Platform), cancellationToken: Token);
        DcapEvidenceVerifier intelOnly = await KmsServerHost.CreateVerifierAsync(Options(configured: Platform, intelOnly: true), cancellationToken: Token);
        DcapEvidenceVerifier missing = await KmsServerHost.CreateVerifierAsync(Options(configured: _temp.Combine("no-platform")), cancellationToken: Token);
        DcapEvidenceVerifier explicitPlatform = await KmsServerHost.CreateVerifierAsync(Options(explicitPlatform: Platform), cancellationToken: Token);
        DcapEvidenceVerifier none = await KmsServerHost.CreateVerifierAsync(Options(), cancellationToken: Token);

        Assert.True(configured.AcceptsSimulatedEvidence);
        Assert.Equal(2, configured.CachedCollateralCount);
        Assert.Equal(Platform, configured.SimulatedPlatformSource);
        Assert.False(intelOnly.AcceptsSimulatedEvidence);
        Assert.False(missing.AcceptsSimulatedEvidence);
        Assert.True(explicitPlatform.AcceptsSimulatedEvidence);
        Assert.False(none.AcceptsSimulatedEvidence);
    }

    [Fact]
    public async Task CreateVerifier_ConflictingOrProductionSettings_ThrowNamingTheConflict()
    {
        KmsServerTrustException both = await Assert.ThrowsAsync<KmsServerTrustException>(() =>
            KmsServerHost.CreateVerifierAsync(Options(explicitPlatform: Platform, intelOnly: true), cancellationToken: Token));
        KmsServerTrustException productionExplicit = await Assert.ThrowsAsync<KmsServerTrustException>(() =>
            KmsServerHost.CreateVerifierAsync(Options(explicitPlatform: Platform, production: true), cancellationToken: Token));
        KmsServerTrustException productionConfigured = await Assert.ThrowsAsync<KmsServerTrustException>(() =>
            KmsServerHost.CreateVerifierAsync(Options(configured: Platform, production: true), cancellationToken: Token));
        DcapEvidenceVerifier productionIntelOnly = await KmsServerHost.CreateVerifierAsync(Options(configured: Platform, intelOnly: true, production: true), cancellationToken: Token);

        Assert.Equal(SimulatedTrustConflict.IntelOnlyAndSimulatedPlatform, both.Conflict);
        Assert.Equal(SimulatedTrustConflict.ProductionAndSimulatedPlatform, productionExplicit.Conflict);
        Assert.Equal(SimulatedTrustConflict.ProductionAndSimulationConfiguration, productionConfigured.Conflict);
        Assert.Contains("production", productionConfigured.Message, StringComparison.Ordinal);
        Assert.False(productionIntelOnly.AcceptsSimulatedEvidence);
    }

    [Fact]
    public async Task CreateVerifier_MalformedCollateral_InvalidDataSayingTheVerifierCannotStart()
    {
        System.IO.File.WriteAllText(_temp.Combine("collateral.json"), "{\"not\": \"collateral\"}");

        InvalidDataException refused = await Assert.ThrowsAsync<InvalidDataException>(() =>
            KmsServerHost.CreateVerifierAsync(Options(collateral: [_temp.Combine("collateral.json")]), cancellationToken: Token));

        Assert.StartsWith("The attestation verifier cannot start: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Keystore_ListensOverHttpsWithTheConfiguredVerifier_AndProductionConflictStartsNothing()
    {
        await TlsMaterialGenerator.WriteAsync(_temp.Combine("tls"), Password, [], TimeProvider.System, overwrite: false, Token);

        await using (KmsServerHost host = await KmsServerHost.StartAsync(Options(configured: Platform, urls: ["https://127.0.0.1:0"]), cancellationToken: Token))
        {
            Assert.Equal("https", host.Server.BaseAddress.Scheme);
            Assert.NotEqual(0, host.Server.BaseAddress.Port);
            Assert.True(host.Verifier.AcceptsSimulatedEvidence);
            Assert.True(System.IO.File.Exists(host.Server.AdminKeyPath));
        }

        string otherStore = _temp.Combine("other-store");
        await Assert.ThrowsAsync<KmsServerTrustException>(() =>
            KmsServerHost.StartAsync(Options(configured: Platform, production: true, urls: ["https://127.0.0.1:0"], store: otherStore), cancellationToken: Token));
        Assert.False(Directory.Exists(otherStore));
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private KmsServerHostOptions Options(
        string? configured = null, string? explicitPlatform = null, bool intelOnly = false, bool production = false, string[]? collateral = null, string[]? urls = null, string? store = null) => new()
    {
        Urls = urls ?? [],
        StoreDirectory = store ?? _temp.Combine("store"),
        KeystorePath = _temp.Combine("tls", "keystore.pkcs12"),
        KeystorePassword = Password,
        ConfiguredSimulatedPlatformDirectory = configured,
        SimulatedPlatformDirectory = explicitPlatform,
        IntelOnly = intelOnly,
        IsProduction = production,
        CollateralFiles = collateral ?? [],
    };
}
