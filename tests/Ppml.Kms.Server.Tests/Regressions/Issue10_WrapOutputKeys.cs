using System.Security.Cryptography;
using System.Text.Json;
using Ppml.Attestation.Simulation;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Tests.Fakes;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 10: output keys are created in the TEE and only wrapped by the KMS (<c>POST /v1/keys/{name}/wrap</c>); for a key
/// with a release policy only an attested TEE the policy admits, an admin or a producer may wrap. Real DCAP verifier,
/// quotes of a simulated platform.
/// </summary>
public sealed class Issue10_WrapOutputKeys : IAsyncLifetime
{
    private static readonly byte[] s_mrEnclave = SHA256.HashData("the workload"u8);
    private static readonly byte[] s_mrSigner = SHA256.HashData("the workload's signer"u8);
    private readonly TempDirectory _temp = new();
    private SimulatedPlatform _platform = null!;
    private ServerHarness _harness = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token);
        await _platform.SaveAsync(_temp.Combine("platform"), Token);
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(_temp.Combine("platform"), cancellationToken: Token);
        _harness = await ServerHarness.StartAsync(evidenceVerifier: verifier);
        using KmsClient admin = _harness.Client();
        using (JsonDocument policy = JsonDocument.Parse($$$"""{"sgx": {"mrEnclave": ["{{{Convert.ToHexStringLower(s_mrEnclave)}}}"]}}"""))
        {
            await admin.SetPolicyAsync("p", new SetPolicyRequest { Policy = policy.RootElement.Clone() }, Token);
        }

        await admin.CreateKeyAsync(new CreateKeyRequest { Name = "outputs", ReleasePolicy = Policy(s_mrEnclave) }, Token);
        await admin.CreateKeyAsync(new CreateKeyRequest { Name = "other-enclave", ReleasePolicy = Policy(SHA256.HashData("another workload"u8)) }, Token);
        await admin.CreateKeyAsync(new CreateKeyRequest { Name = "open" }, Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _platform.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Wrap_GuardedKeyWithoutToken_PlainApplication_Returns403()
    {
        using KmsClient workload = await WorkloadAsync();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            workload.WrapDataKeyAsync("outputs", new WrapDataKeyRequest { Plaintext = dataKey }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("attestationToken", refused.Message, StringComparison.Ordinal);
        Assert.Contains("producers", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrap_WithSimulatedAttestationToken_WrapsUnderCurrentVersion_UnwrapsReleasedAndForAdmin()
    {
        using KmsClient workload = await WorkloadAsync();
        using KmsClient admin = _harness.Client();
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(workload, runtime);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        await admin.RotateKeyAsync("outputs", Token);

        WrapDataKeyResponse wrapped = await workload.WrapDataKeyAsync("outputs", new WrapDataKeyRequest { Plaintext = (byte[])dataKey.Clone(), AttestationToken = token }, Token);
        UnwrapResponse released = await workload.UnwrapAsync(
            "outputs", new UnwrapRequest { KeyVersion = wrapped.KeyVersion, WrappedKey = wrapped.WrappedKey, AttestationToken = token }, Token);
        byte[] forOwner = await admin.UnwrapDataKeyAsync("outputs", wrapped.KeyVersion, wrapped.WrappedKey, Token);

        Assert.Equal("outputs", wrapped.KeyName);
        Assert.Equal(2, wrapped.KeyVersion);
        Assert.Null(released.Plaintext);
        Assert.NotNull(released.Released);
        Assert.Equal(dataKey, KeyRelease.Open(runtime, released.Released, "outputs", wrapped.KeyVersion));
        Assert.Equal(dataKey, forOwner);
    }

    [Fact]
    public async Task Wrap_TokenNotSatisfyingReleasePolicy_Returns403()
    {
        using KmsClient workload = await WorkloadAsync();
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(workload, runtime);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            workload.WrapDataKeyAsync("other-enclave", new WrapDataKeyRequest { Plaintext = RandomNumberGenerator.GetBytes(32), AttestationToken = token }, Token));

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("release policy is not satisfied", refused.Message, StringComparison.Ordinal);
        Assert.Contains("mr_enclave", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public async Task Wrap_DataKeyNotExactly32Bytes_Returns400(int length)
    {
        using KmsClient workload = await WorkloadAsync();
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(workload, runtime);

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() =>
            workload.WrapDataKeyAsync("outputs", new WrapDataKeyRequest { Plaintext = RandomNumberGenerator.GetBytes(length), AttestationToken = token }, Token));

        Assert.Equal(KmsErrorCode.InvalidRequest, refused.Code);
        Assert.Contains("400", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'plaintext' is {length} bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrap_AdminWithoutToken_AndUnguardedKeyForAnyAllowedApplication_Succeed()
    {
        using KmsClient workload = await WorkloadAsync();
        using KmsClient admin = _harness.Client();
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        WrapDataKeyResponse byAdmin = await admin.WrapDataKeyAsync("outputs", new WrapDataKeyRequest { Plaintext = (byte[])dataKey.Clone() }, Token);
        WrapDataKeyResponse unguarded = await workload.WrapDataKeyAsync("open", new WrapDataKeyRequest { Plaintext = (byte[])dataKey.Clone() }, Token);

        Assert.Equal(dataKey, await admin.UnwrapDataKeyAsync("outputs", byAdmin.KeyVersion, byAdmin.WrappedKey, Token));
        Assert.Equal(dataKey, await workload.UnwrapDataKeyAsync("open", unguarded.KeyVersion, unguarded.WrappedKey, Token));
    }

    private static KeyReleasePolicy Policy(byte[] mrEnclave) =>
        new() { PolicyId = "p", AllowSimulation = true, MrEnclave = [Convert.ToHexStringLower(mrEnclave)] };

    private async Task<KmsClient> WorkloadAsync()
    {
        using KmsClient admin = _harness.Client();
        string id = "workload-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return _harness.Client(await Issue10_GuardedKeyPlaintextRules.CreateApplicationAsync(admin, id));
    }

    private async Task<string> AttestAsync(KmsClient client, ECDiffieHellman runtime)
    {
        RuntimeKey key = RuntimeKey.FromKey(runtime);
        byte[] quote = _platform.CreateSgxQuote(key.ToReportData(), s_mrEnclave, s_mrSigner, isvProdId: 1, isvSvn: 2);
        AttestResponse response = await client.AttestAsync(
            new AttestRequest { PolicyId = "p", Evidence = quote, RuntimeKey = key.SubjectPublicKeyInfo.ToArray() }, Token);
        return response.Token;
    }
}
