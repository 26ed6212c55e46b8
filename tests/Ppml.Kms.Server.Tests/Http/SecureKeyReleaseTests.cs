using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Http;

public sealed class SecureKeyReleaseTests
{
    private static readonly string s_enclave = FakeEvidenceVerifier.Expand("aa");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unwrap_WithSatisfyingToken_ReleasesKeyEncryptedToRuntimeKeyOnly()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy { PolicyId = "sgx-prod", MrEnclave = [s_enclave], MinIsvSvn = 2 });
        using DataKey dataKey = await client.GenerateDataKeyAsync("guarded", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(harness, client, runtime, TeeKinds.Sgx);

        UnwrapResponse raw = await client.UnwrapAsync("guarded", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = token }, Token);
        client.UseAttestation(token, runtime);
        byte[] viaClient = await client.UnwrapDataKeyAsync("guarded", 1, dataKey.WrappedKey, Token);

        Assert.Null(raw.Plaintext);
        Assert.NotNull(raw.Released);
        Assert.Equal(KeyRelease.Algorithm, raw.Released.Algorithm);
        Assert.Equal(dataKey.Plaintext.ToArray(), KeyRelease.Open(runtime, raw.Released, "guarded", 1));
        Assert.Equal(dataKey.Plaintext.ToArray(), viaClient);
        using ECDiffieHellman stranger = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(KmsErrorCode.UnwrapFailed, Assert.Throws<KmsException>(() => KeyRelease.Open(stranger, raw.Released, "guarded", 1)).Code);
    }

    [Fact]
    public async Task Unwrap_KeyWithoutReleasePolicyAndAToken_IsReleasedNeverPlaintext()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        await client.CreateKeyAsync("open", Token);
        using DataKey dataKey = await client.GenerateDataKeyAsync("open", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(harness, client, runtime, TeeKinds.Sgx);

        UnwrapResponse attested = await client.UnwrapAsync("open", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = token }, Token);
        KmsException forged = await Assert.ThrowsAsync<KmsException>(() =>
            client.UnwrapAsync("open", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = token[..^4] + "AAAA" }, Token));

        Assert.Null(attested.Plaintext);
        Assert.Equal(dataKey.Plaintext.ToArray(), KeyRelease.Open(runtime, attested.Released!, "open", 1));
        Assert.Equal(KmsErrorCode.Forbidden, forged.Code);
    }

    [Fact]
    public async Task Attest_TokenCarriesMeasurementsAndRuntimeKeyHash()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        string token = await AttestAsync(harness, client, runtime, TeeKinds.Sgx);
        using JsonDocument claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        JsonElement root = claims.RootElement;
        using JsonDocument header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]));

        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("ppml-kms", root.GetProperty("iss").GetString());
        Assert.Equal("sgx", root.GetProperty("tee").GetString());
        Assert.Equal(s_enclave, root.GetProperty("mr_enclave").GetString());
        Assert.Equal(3, root.GetProperty("isv_svn").GetInt32());
        Assert.Equal("UpToDate", root.GetProperty("tcb_status").GetString());
        Assert.Equal("sgx-prod", root.GetProperty("policy_id").GetString());
        Assert.Equal(RuntimeKey.FromKey(runtime).Sha256Hex, root.GetProperty("runtime_key_sha256").GetString());
        Assert.True(root.GetProperty("exp").GetInt64() > root.GetProperty("iat").GetInt64());
        Assert.Single(root.GetProperty("advisory_ids").EnumerateArray());
    }

    [Fact]
    public async Task Attest_RuntimeKeyAsJwk_IsBoundLikeSpki()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters parameters = runtime.ExportParameters(false);
        string jwk = $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.X)}\",\"y\":\"{System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.Y)}\"}}";
        using JsonDocument jwkDocument = JsonDocument.Parse(jwk);

        AttestResponse response = await client.AttestAsync(new AttestRequest
        {
            PolicyId = "sgx-prod",
            Evidence = harness.Verifier.CreateEvidence(TeeKinds.Sgx, RuntimeKey.FromKey(runtime).ToReportData()),
            RuntimeKeyJwk = jwkDocument.RootElement.Clone(),
        }, Token);

        Assert.Equal(3, response.Token.Split('.').Length);
    }

    public static TheoryData<string, string, string> RefusedTokens => new()
    {
        { TeeKinds.Simulation, s_enclave, "simulat" },
        { TeeKinds.Sgx, FakeEvidenceVerifier.Expand("cc"), "mr_enclave" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Unwrap_TokenNotSatisfyingReleasePolicy_Returns403WithReason(string tee, string mrEnclave, string reason)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        // The attestation policy admits simulation and any enclave; the key's release policy is stricter.
        await SetUpAsync(client, new KeyReleasePolicy { MrEnclave = [s_enclave] }, attestationPolicy: "{\"tee\":[\"sgx\"],\"allowSimulation\":true}");
        using DataKey dataKey = await client.GenerateDataKeyAsync("guarded", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(harness, client, runtime, tee, mrEnclave);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            client.UnwrapAsync("guarded", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = token }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrap_ReleasePolicyKeyWithoutToken_Returns403()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using DataKey dataKey = await client.GenerateDataKeyAsync("guarded", Token);
        ApplicationDescription application = await client.CreateApplicationAsync(new CreateApplicationRequest { Id = "workload" }, Token);
        using KmsClient workload = harness.Client(application.ApiKey);

        // An application that is not one of the key's readers (an admin is: see Issue10_GuardedKeyPlaintextRules).
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => workload.UnwrapDataKeyAsync("guarded", 1, dataKey.WrappedKey, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("attestationToken", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrap_ExpiredToken_Returns403()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using ServerHarness harness = await ServerHarness.StartAsync(clock);
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using DataKey dataKey = await client.GenerateDataKeyAsync("guarded", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(harness, client, runtime, TeeKinds.Sgx);

        clock.Advance(TimeSpan.FromMinutes(11));
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            client.UnwrapAsync("guarded", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = token }, Token));

        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("signature")]
    [InlineData("alg-none")]
    [InlineData("garbage")]
    public async Task Unwrap_ForgedToken_Returns403(string forgery)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy { AllowSimulation = false });
        using DataKey dataKey = await client.GenerateDataKeyAsync("guarded", Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string[] parts = (await AttestAsync(harness, client, runtime, TeeKinds.Sgx)).Split('.');
        string payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("\"sgx\"", "\"tdx\"", StringComparison.Ordinal);
        string forged = forgery switch
        {
            "payload" => $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}",
            "signature" => $"{parts[0]}.{parts[1]}.{System.Buffers.Text.Base64Url.EncodeToString(new byte[64])}",
            "alg-none" => $"{System.Buffers.Text.Base64Url.EncodeToString("{\"alg\":\"none\"}"u8)}.{parts[1]}.",
            _ => "not-a-token",
        };

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            client.UnwrapAsync("guarded", new UnwrapRequest { KeyVersion = 1, WrappedKey = dataKey.WrappedKey.ToArray(), AttestationToken = forged }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("attestation token is refused", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_EvidenceOfWrongTeeKind_Returns403()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => AttestAsync(harness, client, runtime, TeeKinds.Tdx));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("tdx quote; the policy accepts sgx", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_ReportDataNotBindingRuntimeKey_Returns403()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using ECDiffieHellman other = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => client.AttestAsync(new AttestRequest
        {
            PolicyId = "sgx-prod",
            Evidence = harness.Verifier.CreateEvidence(TeeKinds.Sgx, RuntimeKey.FromKey(other).ToReportData()),
            RuntimeKey = RuntimeKey.FromKey(runtime).SubjectPublicKeyInfo.ToArray(),
        }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("does not bind the runtime key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_TamperedEvidenceAndUnknownPolicy_AreRefused()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();
        await SetUpAsync(client, new KeyReleasePolicy());
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] evidence = harness.Verifier.CreateEvidence(TeeKinds.Sgx, RuntimeKey.FromKey(runtime).ToReportData());
        evidence[5] ^= 1;
        byte[] spki = RuntimeKey.FromKey(runtime).SubjectPublicKeyInfo.ToArray();

        KmsException tampered = await Assert.ThrowsAsync<KmsException>(() =>
            client.AttestAsync(new AttestRequest { PolicyId = "sgx-prod", Evidence = evidence, RuntimeKey = spki }, Token));
        KmsException unknown = await Assert.ThrowsAsync<KmsException>(() =>
            client.AttestAsync(new AttestRequest { PolicyId = "nope", Evidence = evidence, RuntimeKey = spki }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, tampered.Code);
        Assert.Equal(KmsErrorCode.NotFound, unknown.Code);
    }

    [Fact]
    public async Task CreateKey_ReleasePolicyWithBadFields_Returns400()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using KmsClient client = harness.Client();

        KmsException tee = await Assert.ThrowsAsync<KmsException>(() =>
            client.CreateKeyAsync(new CreateKeyRequest { Name = "k", ReleasePolicy = new KeyReleasePolicy { AllowedTee = ["simulation"] } }, Token));
        KmsException hex = await Assert.ThrowsAsync<KmsException>(() =>
            client.CreateKeyAsync(new CreateKeyRequest { Name = "k", ReleasePolicy = new KeyReleasePolicy { MrEnclave = ["xyz"] } }, Token));

        Assert.Equal(KmsErrorCode.InvalidRequest, tee.Code);
        Assert.Contains("allowSimulation", tee.Message, StringComparison.Ordinal);
        Assert.Contains("mrEnclave", hex.Message, StringComparison.Ordinal);
    }

    private static async Task SetUpAsync(KmsClient client, KeyReleasePolicy releasePolicy, string attestationPolicy = "{\"tee\":[\"sgx\"]}")
    {
        using JsonDocument policy = JsonDocument.Parse(attestationPolicy);
        await client.SetPolicyAsync("sgx-prod", new SetPolicyRequest { Description = "test", Policy = policy.RootElement.Clone() }, Token);
        await client.CreateKeyAsync(new CreateKeyRequest { Name = "guarded", ReleasePolicy = releasePolicy }, Token);
    }

    private static async Task<string> AttestAsync(ServerHarness harness, KmsClient client, ECDiffieHellman runtime, string tee, string? mrEnclave = null)
    {
        RuntimeKey key = RuntimeKey.FromKey(runtime);
        AttestResponse response = await client.AttestAsync(new AttestRequest
        {
            PolicyId = "sgx-prod",
            Evidence = harness.Verifier.CreateEvidence(tee, key.ToReportData(), mrEnclave: mrEnclave is null ? "aa" : mrEnclave[..2]),
            RuntimeKey = key.SubjectPublicKeyInfo.ToArray(),
        }, Token);
        return response.Token;
    }
}
