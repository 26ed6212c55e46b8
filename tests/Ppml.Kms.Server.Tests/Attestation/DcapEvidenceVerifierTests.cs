using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ppml.Attestation;
using Ppml.Attestation.Simulation;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Tests.Fakes;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests.Attestation;

/// <summary>The real DCAP verifier behind /v1/attest, with quotes from simulated platforms (Intel's exact layout).</summary>
public sealed class DcapEvidenceVerifierTests : IAsyncLifetime
{
    private static readonly byte[] s_mrEnclave = SHA256.HashData("the workload"u8);
    private static readonly byte[] s_mrSigner = SHA256.HashData("the workload's signer"u8);
    private readonly TempDirectory _temp = new();
    private SimulatedPlatform _platform = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string EnclavePolicy => $$$"""{"sgx": {"mrEnclave": ["{{{Convert.ToHexStringLower(s_mrEnclave)}}}"]}}""";

    private string PlatformDirectory => _temp.Combine("platform");

    public async ValueTask InitializeAsync()
    {
        _platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token);
        await _platform.SaveAsync(PlatformDirectory, Token);
    }

    public ValueTask DisposeAsync()
    {
        _platform.Dispose();
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Attest_SimulatedQuoteOfTheConfiguredPlatform_TokenSaysSimulation_AndReleaseNeedsAllowSimulation()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        string mrEnclave = Convert.ToHexStringLower(s_mrEnclave);
        await client.CreateKeyAsync(new CreateKeyRequest { Name = "sim-ok", ReleasePolicy = new KeyReleasePolicy { PolicyId = "p", AllowSimulation = true, MrEnclave = [mrEnclave] } }, Token);
        await client.CreateKeyAsync(new CreateKeyRequest { Name = "hardware-only", ReleasePolicy = new KeyReleasePolicy { PolicyId = "p", MrEnclave = [mrEnclave] } }, Token);
        using DataKey allowed = await client.GenerateDataKeyAsync("sim-ok", Token);
        using DataKey guarded = await client.GenerateDataKeyAsync("hardware-only", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        // No collateral in the request: the server's cache was seeded with the platform's.
        string token = (await client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime)), Token)).Token;
        using JsonDocument claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        client.UseAttestation(token, runtime);
        byte[] released = await client.UnwrapDataKeyAsync("sim-ok", allowed.KeyVersion, allowed.WrappedKey, Token);
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.UnwrapDataKeyAsync("hardware-only", guarded.KeyVersion, guarded.WrappedKey, Token));

        Assert.Equal("simulation", claims.RootElement.GetProperty("tee").GetString());
        Assert.Equal(mrEnclave, claims.RootElement.GetProperty("mr_enclave").GetString());
        Assert.Equal(Convert.ToHexStringLower(s_mrSigner), claims.RootElement.GetProperty("mr_signer").GetString());
        Assert.Equal(2, claims.RootElement.GetProperty("isv_svn").GetInt32());
        Assert.Equal("UpToDate", claims.RootElement.GetProperty("tcb_status").GetString());
        Assert.Equal(allowed.Plaintext.ToArray(), released);
        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("does not allow simulation", refused.Message, StringComparison.Ordinal);
        Assert.True(verifier.AcceptsSimulatedEvidence);
    }

    [Fact]
    public async Task Attest_QuoteOfAnotherSimulatedPlatform_403UntrustedChain()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        using SimulatedPlatform stranger = await SimulatedPlatform.CreateAsync(cancellationToken: Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            client.AttestAsync(Request(runtime, SgxQuote(stranger, runtime), stranger.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx)), Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Contains("STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED", refused.Message, StringComparison.Ordinal);
        Assert.Contains("chains to neither", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_IntelOnlyVerifier_RefusesSimulatedEvidenceAndSaysHowToAllowIt()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: new DcapEvidenceVerifier());
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime), _platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx)), Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("trusts only the Intel SGX Root CA", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--simulated-platform", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_PolicyMismatch_403ListsEveryReason()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, $$$"""{"sgx": {"mrEnclave": ["{{{new string('0', 64)}}}"]}, "allowedAdvisoryIds": []}""");
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] debugQuote = _platform.CreateSgxQuote(
            RuntimeKey.FromKey(runtime).ToReportData(), s_mrEnclave, s_mrSigner, 1, 2, attributes: [0x07, 0, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0]);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, debugQuote), Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("matches no allowed MRENCLAVE", refused.Message, StringComparison.Ordinal);
        Assert.Contains("debug enclave", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_WithoutCollateral_UsesTheCacheThatVerifiedRequestsFill()
    {
        byte[] root = await System.IO.File.ReadAllBytesAsync(Path.Combine(PlatformDirectory, SimulatedPlatformFiles.RootCertificate), Token);
        var verifier = new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { SimulatedRootCertificate = root });
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] collateral = _platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx);

        KmsException empty = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime)), Token));
        Assert.Equal(0, verifier.CachedCollateralCount);
        await client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime), collateral), Token);
        AttestResponse cached = await client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime)), Token);

        Assert.Contains("none is cached", empty.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(_platform.Fmspc.Span), empty.Message, StringComparison.Ordinal);
        Assert.Equal(1, verifier.CachedCollateralCount);
        Assert.NotEmpty(cached.Token);
    }

    [Fact]
    public async Task ClientAttest_WithEvidenceProvider_SendsItsCollateral_AndUnwrapReleasesToTheEphemeralKey()
    {
        byte[] root = await System.IO.File.ReadAllBytesAsync(Path.Combine(PlatformDirectory, SimulatedPlatformFiles.RootCertificate), Token);
        var verifier = new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { SimulatedRootCertificate = root });
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient owner = harness.Client();
        await SetPolicyAsync(owner, EnclavePolicy);
        await owner.CreateKeyAsync(new CreateKeyRequest
        {
            Name = "guarded",
            ReleasePolicy = new KeyReleasePolicy { PolicyId = "p", AllowSimulation = true, MrEnclave = [Convert.ToHexStringLower(s_mrEnclave)] },
        }, Token);
        using DataKey dataKey = await owner.GenerateDataKeyAsync("guarded", Token);

        using KmsClient tee = harness.Client();
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        RuntimeKey runtimeKey = RuntimeKey.FromKey(runtime);
        // What a simulated TEE quotes (the simulated quoting enclave, not debug), with the platform's own collateral.
        byte[] quote = _platform.CreateSgxQuote(runtimeKey.ToReportData(), s_mrEnclave, s_mrSigner, isvProdId: 1, isvSvn: 2);
        AttestResponse response = await tee.AttestAsync(
            new AttestRequest { PolicyId = "p", Evidence = quote, Collateral = _platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx), RuntimeKey = runtimeKey.SubjectPublicKeyInfo.ToArray() }, Token);
        tee.UseAttestation(response.Token, runtime);
        byte[] released = await tee.UnwrapDataKeyAsync("guarded", dataKey.KeyVersion, dataKey.WrappedKey, Token);
        UnwrapResponse raw = await owner.UnwrapAsync(
            "guarded", new UnwrapRequest { KeyVersion = dataKey.KeyVersion, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = response.Token }, Token);

        Assert.Equal(dataKey.Plaintext.ToArray(), released);
        Assert.Equal(1, verifier.CachedCollateralCount);
        Assert.Null(raw.Plaintext);
        using ECDiffieHellman stranger = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<KmsException>(() => KeyRelease.Open(stranger, raw.Released!, "guarded", dataKey.KeyVersion));
    }

    [Fact]
    public async Task Verify_CollateralOfAFailedVerification_IsNotCached()
    {
        byte[] root = await System.IO.File.ReadAllBytesAsync(Path.Combine(PlatformDirectory, SimulatedPlatformFiles.RootCertificate), Token);
        var verifier = new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { SimulatedRootCertificate = root });
        byte[] quote = _platform.CreateSgxQuote(new byte[64], s_mrEnclave, s_mrSigner, 1, 2);
        quote[48 + 64] ^= 1;

        EvidenceVerdict verdict = await verifier.VerifyAsync(quote, _platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx), EnclavePolicy, Token);

        Assert.False(verdict.IsAccepted);
        Assert.Contains("STATUS_INVALID_QUOTE_SIGNATURE", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(0, verifier.CachedCollateralCount);
    }

    [Fact]
    public async Task Attest_TdxQuoteUnderSgxPolicy_403_AndGarbageEvidence_400()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] tdx = _platform.CreateTdxQuote(RuntimeKey.FromKey(runtime).ToReportData(), SHA384.HashData("td"u8));

        KmsException wrongKind = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, tdx), Token));
        KmsException garbage = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, RandomNumberGenerator.GetBytes(700)), Token));
        KmsException badCollateral = await Assert.ThrowsAsync<KmsException>(() =>
            client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime), "{\"tcb_info\": 5}"u8.ToArray()), Token));

        Assert.Equal(KmsErrorCode.Forbidden, wrongKind.Code);
        Assert.Contains("allows no TDX trust domain", wrongKind.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorCode.InvalidRequest, garbage.Code);
        Assert.Contains("400", garbage.Message, StringComparison.Ordinal);
        Assert.Contains("malformed", garbage.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorCode.InvalidRequest, badCollateral.Code);
        Assert.Contains("tcb_info", badCollateral.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_TdxQuoteUnderTdxPolicy_TokenCarriesMrTdAndRtmrs()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        byte[] mrTd = SHA384.HashData("td"u8);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] quote = _platform.CreateTdxQuote(RuntimeKey.FromKey(runtime).ToReportData(), mrTd);

        EvidenceVerdict verdict = await verifier.VerifyAsync(quote, null, $$$"""{"tdx": {"mrTd": ["{{{Convert.ToHexStringLower(mrTd)}}}"]}}""", Token);

        Assert.True(verdict.IsAccepted, verdict.Reason);
        Assert.Equal(TeeKinds.Simulation, verdict.Tee);
        Assert.Equal(Convert.ToHexStringLower(mrTd), verdict.MrTd);
        Assert.Equal(4, verdict.Rtmrs!.Count);
        Assert.Null(verdict.MrEnclave);
    }

    [Fact]
    public async Task Attest_ReportDataNotBindingTheRuntimeKey_403()
    {
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        await SetPolicyAsync(client, EnclavePolicy);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using ECDiffieHellman other = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, SgxQuote(_platform, other)), Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("does not bind the runtime key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ExpiredCollateral_RefusedUnlessThePolicyAllowsIt()
    {
        var later = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(45));
        byte[] root = await System.IO.File.ReadAllBytesAsync(Path.Combine(PlatformDirectory, SimulatedPlatformFiles.RootCertificate), Token);
        var verifier = new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { SimulatedRootCertificate = root }, later);
        byte[] quote = _platform.CreateSgxQuote(new byte[64], s_mrEnclave, s_mrSigner, 1, 2);
        byte[] collateral = _platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx);

        EvidenceVerdict refused = await verifier.VerifyAsync(quote, collateral, EnclavePolicy, Token);
        EvidenceVerdict tolerated = await verifier.VerifyAsync(
            quote, collateral, $$$"""{"sgx": {"mrEnclave": ["{{{Convert.ToHexStringLower(s_mrEnclave)}}}"]}, "allowExpiredCollateral": true}""", Token);

        Assert.False(refused.IsAccepted);
        Assert.Contains("collateral had expired", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("send fresh collateral", refused.Reason, StringComparison.Ordinal);
        Assert.True(tolerated.IsAccepted, tolerated.Reason);
    }

    [Fact]
    public async Task SetPolicy_NotAnAppraisalPolicy_400NamesTheField()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: new DcapEvidenceVerifier());
        using KmsClient client = harness.Client();

        KmsException typo = await Assert.ThrowsAsync<KmsException>(() => SetPolicyAsync(client, """{"sgx": {"mrenclave": []}}"""));
        KmsException badHex = await Assert.ThrowsAsync<KmsException>(() => SetPolicyAsync(client, """{"sgx": {"mrEnclave": ["zz"]}}"""));
        await SetPolicyAsync(client, EnclavePolicy);

        Assert.Equal(KmsErrorCode.InvalidRequest, typo.Code);
        Assert.Contains("sgx.mrenclave", typo.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid appraisal policy", typo.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorCode.InvalidRequest, badHex.Code);
    }

    [Fact]
    public async Task Start_WithSimulatedPlatform_WarnsLoudly_IntelOnlyDoesNot()
    {
        using var certificates = new TempDirectory();
        await Ppml.Crypto.Keys.TlsMaterialGenerator.WriteAsync(certificates.Combine("tls"), "pw-for-the-test", [], TimeProvider.System, overwrite: false, Token);
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(certificates.Combine("tls", "keystore.pkcs12"), "pw-for-the-test");
        var simulated = new CapturingLoggerProvider();
        var intel = new CapturingLoggerProvider();
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);

        await using (await KmsServer.StartAsync(Options(certificates.Combine("a"), certificate), verifier, l => l.AddProvider(simulated), cancellationToken: Token))
        {
        }

        await using (await KmsServer.StartAsync(Options(certificates.Combine("b"), certificate), new DcapEvidenceVerifier(), l => l.AddProvider(intel), cancellationToken: Token))
        {
        }

        (LogLevel level, int _, string message) = Assert.Single(simulated.Entries, e => e.EventId == 1008);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("SIMULATED EVIDENCE IS ACCEPTED", message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(PlatformDirectory), message, StringComparison.Ordinal);
        Assert.Contains(simulated.Entries, e => e.EventId == 1007 && e.Message.Contains("2 collateral sets", StringComparison.Ordinal));
        Assert.DoesNotContain(intel.Entries, e => e.EventId == 1008);
        Assert.Contains(intel.Entries, e => e.EventId == 1007);

        static KmsServerOptions Options(string store, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
            new() { Urls = ["https://127.0.0.1:0"], StoreDirectory = store, Certificate = certificate, KdfIterations = 1000 };
    }

    [Fact]
    public async Task Verify_RealIntelSgxQuote_AcceptedAgainstTheIntelRoot_ThenFromTheCache()
    {
        byte[] quote = await System.IO.File.ReadAllBytesAsync(SharedData.PathOf("testdata", "attestation", "phala-dcap-qvl", "sgx_quote.bin"), Token);
        byte[] collateral = await System.IO.File.ReadAllBytesAsync(SharedData.PathOf("testdata", "attestation", "phala-dcap-qvl", "sgx_quote_collateral.json"), Token);
        var at = new FakeTimeProvider(DateTimeOffset.Parse("2025-07-19T10:01:17Z", System.Globalization.CultureInfo.InvariantCulture));
        var verifier = new DcapEvidenceVerifier(timeProvider: at);
        string mrEnclave = Convert.ToHexStringLower(Ppml.Attestation.Quotes.Quote.Parse(quote).EnclaveReport!.MrEnclave.Span);
        string policy = $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}, "allowedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"]}""";

        EvidenceVerdict sent = await verifier.VerifyAsync(quote, collateral, policy, Token);
        EvidenceVerdict cached = await verifier.VerifyAsync(quote, null, policy, Token);
        EvidenceVerdict strict = await verifier.VerifyAsync(quote, null, $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}}""", Token);

        Assert.True(sent.IsAccepted, sent.Reason);
        Assert.Equal(TeeKinds.Sgx, sent.Tee);
        Assert.Equal("ConfigurationAndSWHardeningNeeded", sent.TcbStatus);
        Assert.Contains("INTEL-SA-00289", sent.AdvisoryIds);
        Assert.True(cached.IsAccepted, cached.Reason);
        Assert.Equal(1, verifier.CachedCollateralCount);
        Assert.False(strict.IsAccepted);
        Assert.Contains("TCB status ConfigurationAndSWHardeningNeeded is not allowed", strict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SeedBundleWithoutTcbInfo_IsRefused()
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() =>
            new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { Collateral = [Encoding.UTF8.GetBytes("{\"version\": 3}")] }));

        Assert.Contains("no tcb_info", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_CollateralWithoutCrls_RefusedUnlessThePolicyTurnsRevocationOff()
    {
        // Issue 11 item 21: revocation data is required unless the key's policy says otherwise, and the token says so.
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(PlatformDirectory, cancellationToken: Token);
        await using ServerHarness harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient client = harness.Client();
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(_platform.GetCollateralBundleJson(Ppml.Attestation.Quotes.TeeType.Sgx))!.AsObject();
        bundle.Remove("root_ca_crl");
        bundle.Remove("pck_crl");
        byte[] withoutCrls = Encoding.UTF8.GetBytes(bundle.ToJsonString());

        await SetPolicyAsync(client, EnclavePolicy);
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime), withoutCrls), Token));
        string withCrls = (await client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime)), Token)).Token;
        await SetPolicyAsync(client, EnclavePolicy[..^1] + ", \"requireRevocationCheck\": false}");
        string turnedOff = (await client.AttestAsync(Request(runtime, SgxQuote(_platform, runtime), withoutCrls), Token)).Token;

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("STATUS_MISSING_PARAMETERS", refused.Message, StringComparison.Ordinal);
        Assert.True(Claims(withCrls).GetProperty("revocation_checked").GetBoolean());
        Assert.False(Claims(turnedOff).GetProperty("revocation_checked").GetBoolean());
    }

    private static JsonElement Claims(string token)
    {
        using JsonDocument claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        return claims.RootElement.Clone();
    }

    private static byte[] SgxQuote(SimulatedPlatform platform, ECDiffieHellman runtime) =>
        platform.CreateSgxQuote(RuntimeKey.FromKey(runtime).ToReportData(), s_mrEnclave, s_mrSigner, isvProdId: 1, isvSvn: 2);

    private static AttestRequest Request(ECDiffieHellman runtime, byte[] quote, byte[]? collateral = null) => new()
    {
        PolicyId = "p",
        Evidence = quote,
        Collateral = collateral,
        RuntimeKey = RuntimeKey.FromKey(runtime).SubjectPublicKeyInfo.ToArray(),
    };

    private static async Task SetPolicyAsync(KmsClient client, string policy)
    {
        using JsonDocument document = JsonDocument.Parse(policy);
        await client.SetPolicyAsync("p", new SetPolicyRequest { Policy = document.RootElement.Clone() }, Token);
    }
}
