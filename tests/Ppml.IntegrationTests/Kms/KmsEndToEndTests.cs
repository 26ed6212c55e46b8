using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Ppml.Crypto.Keys;
using Ppml.Kms;
using Ppml.Kms.Envelope;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Tests.Fakes;
using Ppml.Testing;

namespace Ppml.IntegrationTests.Kms;

/// <summary>
/// The secure key release journey against a real server on 127.0.0.1:0 (HTTPS, certificate validated against the CA):
/// the data owner encrypts under a guarded key; a TEE attests with evidence binding its runtime key, gets a token, and
/// decrypts; other measurements and simulation are refused with 403. The evidence here is the fake verifier's, to pin the
/// server's protocol independently of quote verification; <see cref="TrustChainEndToEndTests"/> runs the same journey
/// with real (simulated-platform) quotes and the DCAP verifier.
/// </summary>
public sealed class KmsEndToEndTests
{
    private const string Password = "integration-keystore";
    private static readonly string s_enclave = FakeEvidenceVerifier.Expand("aa");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecureKeyRelease_EncryptAttestUnwrapDecrypt_AndRefusals()
    {
        using var temp = new TempDirectory();
        await TlsMaterialGenerator.WriteAsync(temp.Combine("tls"), Password, [], TimeProvider.System, overwrite: false, Token);
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(temp.Combine("tls", "keystore.pkcs12"), Password);
        var verifier = new FakeEvidenceVerifier();
        await using KmsServer server = await KmsServer.StartAsync(
            new KmsServerOptions { Urls = ["https://127.0.0.1:0"], StoreDirectory = temp.Combine("store"), Certificate = certificate },
            verifier,
            cancellationToken: Token);
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(0, server.BaseAddress.Port);
        var connection = new KmsConnectionOptions
        {
            ApiKey = (await File.ReadAllTextAsync(server.AdminKeyPath, Token)).Trim(),
            CaCertificatePath = temp.Combine("tls", "ca.crt"),
        };

        // The data owner: an attestation policy, a key whose release policy names the enclave, an encrypted file.
        using var owner = (KmsClient)await KmsProvider.OpenAsync(server.BaseAddress.ToString(), connection, Token);
        using (JsonDocument policy = JsonDocument.Parse("{\"tee\":[\"sgx\"],\"allowSimulation\":true}"))
        {
            await owner.SetPolicyAsync("sgx-app", new SetPolicyRequest { Policy = policy.RootElement.Clone() }, Token);
        }

        await owner.CreateKeyAsync(new CreateKeyRequest
        {
            Name = "datasets",
            ReleasePolicy = new KeyReleasePolicy { PolicyId = "sgx-app", AllowedTee = ["sgx"], MrEnclave = [s_enclave], MinIsvSvn = 1 },
        }, Token);
        string plain = temp.Combine("customers.csv");
        await File.WriteAllTextAsync(plain, string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},customer-{i},{i * 7 % 1000}\n")), Token);
        string encrypted = temp.Combine("customers.csv.ppml");
        await EnvelopeEncryption.EncryptFileAsync(owner, "datasets", plain, encrypted, cancellationToken: Token);

        // Without attestation a workload's API key alone does not unwrap (the admin, the data owner, is a reader).
        ApplicationDescription app = await owner.CreateApplicationAsync(new CreateApplicationRequest { Id = "analytics", Role = "app" }, Token);
        using var workload = (KmsClient)await KmsProvider.OpenAsync(server.BaseAddress.ToString(), connection with { ApiKey = app.ApiKey }, Token);
        KmsException noToken = await Assert.ThrowsAsync<KmsException>(() =>
            EnvelopeEncryption.DecryptFileAsync(workload, encrypted, temp.Combine("nope.csv"), cancellationToken: Token));
        Assert.Equal(KmsErrorCode.Forbidden, noToken.Code);
        Assert.False(File.Exists(temp.Combine("nope.csv")));

        // The TEE: runtime key, evidence binding it, token, release, decryption in memory.
        using var tee = (KmsClient)await KmsProvider.OpenAsync(server.BaseAddress.ToString(), connection, Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string token = await AttestAsync(tee, verifier, runtime, TeeKinds.Sgx, "aa");
        tee.UseAttestation(token, runtime);
        string decrypted = temp.Combine("decrypted.csv");
        await EnvelopeEncryption.DecryptFileAsync(tee, encrypted, decrypted, cancellationToken: Token);
        Assert.Equal(await File.ReadAllBytesAsync(plain, Token), await File.ReadAllBytesAsync(decrypted, Token));

        // Refusals arrive as 403 problem documents with the reason.
        using HttpClient http = TrustedHttp.Create(server.BaseAddress, temp.Combine("tls", "ca.crt"), connection.ApiKey);
        Ppml.Crypto.Container.ContainerHeader parsed = await ReadHeaderAsync(encrypted);
        string otherEnclave = await AttestAsync(tee, verifier, runtime, TeeKinds.Sgx, "cc");
        (HttpStatusCode status, ProblemResponse problem) = await UnwrapRawAsync(http, parsed, otherEnclave);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("urn:ppml:kms:forbidden", problem.Type);
        Assert.Contains("mr_enclave", problem.Detail!, StringComparison.Ordinal);

        string simulated = await AttestAsync(tee, verifier, runtime, TeeKinds.Simulation, "aa");
        (status, problem) = await UnwrapRawAsync(http, parsed, simulated);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("simulat", problem.Detail!, StringComparison.Ordinal);
    }

    private static async Task<string> AttestAsync(KmsClient client, FakeEvidenceVerifier verifier, ECDiffieHellman runtime, string tee, string enclaveByte)
    {
        RuntimeKey key = RuntimeKey.FromKey(runtime);
        AttestResponse response = await client.AttestAsync(new AttestRequest
        {
            PolicyId = "sgx-app",
            Evidence = verifier.CreateEvidence(tee, key.ToReportData(), mrEnclave: enclaveByte),
            RuntimeKey = key.SubjectPublicKeyInfo.ToArray(),
        }, Token);
        return response.Token;
    }

    private static async Task<Ppml.Crypto.Container.ContainerHeader> ReadHeaderAsync(string path)
    {
        await using FileStream stream = File.OpenRead(path);
        return await Ppml.Crypto.Container.PpmlContainer.ReadHeaderAsync(stream, Token);
    }

    private static async Task<(HttpStatusCode, ProblemResponse)> UnwrapRawAsync(HttpClient http, Ppml.Crypto.Container.ContainerHeader header, string token)
    {
        string body = JsonSerializer.Serialize(
            new UnwrapRequest { KeyVersion = header.KeyVersion, WrappedKey = header.WrappedDataKey.ToArray(), AttestationToken = token },
            KmsWireJsonContext.Default.UnwrapRequest);
        using HttpResponseMessage response = await http.PostAsync(
            $"/v1/keys/{header.KeyReference}/unwrap", new StringContent(body, Encoding.UTF8, "application/json"), Token);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Token), KmsWireJsonContext.Default.ProblemResponse)!);
    }
}
