using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Ppml.Attestation.Simulation;
using Ppml.Crypto.Keys;
using Ppml.Kms;
using Ppml.Kms.Envelope;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;
using Ppml.Tee;
using Ppml.Tee.Evidence;
using Ppml.Tee.Measurement;
using Ppml.Tee.Sealing;
using Ppml.Testing;
using Ppml.Workloads.Simulation;

namespace Ppml.IntegrationTests.Kms;

/// <summary>
/// The whole trust chain with nothing faked: a signed application, the TEE runtime in simulation mode (verified trusted
/// files, simulated quoting enclave, Intel's quote layout), the real DCAP verifier in a KMS server on 127.0.0.1:0 over
/// HTTPS, an attestation token, a data key released to the runtime's ephemeral key, decryption in memory — and the
/// refusals: a changed trusted file (no evidence at all) and another signing key (403 with the reason).
/// </summary>
public sealed class TrustChainEndToEndTests
{
    private const string Password = "trust-chain-keystore";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SimulatedTee_AttestReleaseDecrypt_AndRefusals()
    {
        using var temp = new TempDirectory();
        Task<RSA> impostorKey = Task.Run(() => RsaKeyGenerator.Generate(3072, 3), Token);
        using RSA signingKey = RsaKeyGenerator.Generate(3072, 3);
        string app = WriteApplication(temp.Combine("app"));
        using (SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(cancellationToken: Token))
        {
            await platform.SaveAsync(temp.Combine("platform"), Token);
        }

        await DerivedSealingKeySource.WriteNewSecretAsync(temp.Combine("seal.secret"), Token);
        SignedEnclave signed = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(app), signingKey, Token);
        await File.WriteAllBytesAsync(temp.Combine("app.sig.json"), EnclaveSigner.Serialize(signed), Token);
        using (RSA impostor = await impostorKey)
        {
            await File.WriteAllBytesAsync(
                temp.Combine("impostor.sig.json"), EnclaveSigner.Serialize(await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(app), impostor, Token)), Token);
        }

        // The KMS server, with the DCAP verifier that also trusts this (and only this) simulated platform.
        await TlsMaterialGenerator.WriteAsync(temp.Combine("tls"), Password, [], TimeProvider.System, overwrite: false, Token);
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(temp.Combine("tls", "keystore.pkcs12"), Password);
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(temp.Combine("tls", "ca.crt"));
        DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(temp.Combine("platform"), cancellationToken: Token);
        await using KmsServer server = await KmsServer.StartAsync(
            new KmsServerOptions { Urls = ["https://127.0.0.1:0"], StoreDirectory = temp.Combine("store"), Certificate = certificate }, verifier, cancellationToken: Token);
        string adminKey = (await File.ReadAllTextAsync(server.AdminKeyPath, Token)).Trim();

        // The data owner: an appraisal policy naming the signer, a workload identity, a key released only to the enclave.
        using var owner = new KmsClient(server.BaseAddress, adminKey, ca);
        using (JsonDocument policy = JsonDocument.Parse($$$"""{"sgx": {"signers": [{"mrSigner": "{{{signed.MrSigner}}}", "isvProdId": 1, "minIsvSvn": 1}]}}"""))
        {
            await owner.SetPolicyAsync("sim-app", new SetPolicyRequest { Policy = policy.RootElement.Clone() }, Token);
        }

        string workloadKey = (await owner.CreateApplicationAsync(new CreateApplicationRequest { Id = "workload" }, Token)).ApiKey!;
        var release = new KeyReleasePolicy { PolicyId = "sim-app", AllowedTee = ["sgx"], AllowSimulation = true, MrEnclave = [signed.MrEnclave], MrSigner = [signed.MrSigner] };
        await owner.CreateKeyAsync(new CreateKeyRequest { Name = "datasets", AllowedApplications = ["workload"], ReleasePolicy = release }, Token);
        await owner.CreateKeyAsync(new CreateKeyRequest { Name = "hardware-only", AllowedApplications = ["workload"], ReleasePolicy = release with { AllowSimulation = false } }, Token);
        string plain = temp.Combine("customers.csv");
        await File.WriteAllTextAsync(plain, string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},customer-{i},{i * 7 % 1000}\n")), Token);
        string encrypted = temp.Combine("customers.csv.ppml");
        await EnvelopeEncryption.EncryptFileAsync(owner, "datasets", plain, encrypted, cancellationToken: Token);

        // The workload, inside the (simulated) TEE: runtime -> evidence -> token -> released key -> plaintext in memory.
        using var workload = new KmsClient(server.BaseAddress, workloadKey, ca);
        using (TeeRuntime runtime = await TeeRuntime.CreateAsync(Options(temp, "app.sig.json"), Token))
        {
            (AttestResponse attested, System.Security.Cryptography.ECDiffieHellman runtimeKey) = await Ppml.Workloads.Keys.WorkloadAttestation.AttestAsync(workload, runtime.Evidence, "sim-app", Token);
            using System.Security.Cryptography.ECDiffieHellman ownedRuntimeKey = runtimeKey;
            await using FileStream input = File.OpenRead(encrypted);
            await using Ppml.Crypto.Container.ContainerReadStream decrypted = await EnvelopeEncryption.OpenReadAsync(workload, input, leaveOpen: true, Token);
            using var memory = new MemoryStream();
            await decrypted.CopyToAsync(memory, Token);

            Assert.Equal(await File.ReadAllBytesAsync(plain, Token), memory.ToArray());
            using JsonDocument claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(attested.Token.Split('.')[1]));
            Assert.Equal("simulation", claims.RootElement.GetProperty("tee").GetString());
            Assert.Equal(signed.MrEnclave, claims.RootElement.GetProperty("mr_enclave").GetString());

            // A key whose release policy does not admit simulation stays closed to the same token: 403 with the reason.
            using HttpClient http = TrustedHttp.Create(server.BaseAddress, temp.Combine("tls", "ca.crt"), workloadKey);
            using DataKey guarded = await owner.GenerateDataKeyAsync("hardware-only", Token);
            (HttpStatusCode status, ProblemResponse problem) = await PostAsync(
                http, "/v1/keys/hardware-only/unwrap",
                JsonSerializer.Serialize(new UnwrapRequest { KeyVersion = guarded.KeyVersion, WrappedKey = guarded.WrappedKey.ToArray(), AttestationToken = attested.Token }, KmsWireJsonContext.Default.UnwrapRequest));
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("does not allow simulation", problem.Detail!, StringComparison.Ordinal);
        }

        // A changed trusted file: the runtime refuses to start, so there is no evidence to send at all.
        File.AppendAllText(Path.Combine(app, "Workload.dll"), "patched");
        TeeException tampered = await Assert.ThrowsAsync<TeeException>(() => TeeRuntime.CreateAsync(Options(temp, "app.sig.json"), Token));
        Assert.Contains("Workload.dll", tampered.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to produce evidence", tampered.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(app, "Workload.dll"), WorkloadContent);

        // The same files signed with another key: the quote verifies, the appraisal policy does not accept the signer.
        using (TeeRuntime impostor = await TeeRuntime.CreateAsync(Options(temp, "impostor.sig.json"), Token))
        {
            Assert.Equal(signed.MrEnclave, impostor.Identity!.MrEnclaveHex);
            Assert.NotEqual(signed.MrSigner, impostor.Identity.MrSignerHex);
            using ECDiffieHellman runtimeKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            RuntimeKey publicKey = RuntimeKey.FromKey(runtimeKey);
            byte[] quote = await impostor.Evidence.GetQuoteAsync(publicKey.ToReportData(), Token);
            using HttpClient http = TrustedHttp.Create(server.BaseAddress, temp.Combine("tls", "ca.crt"), workloadKey);
            (HttpStatusCode status, ProblemResponse problem) = await PostAsync(
                http, "/v1/attest",
                JsonSerializer.Serialize(
                    new AttestRequest
                    {
                        PolicyId = "sim-app",
                        Evidence = quote,
                        Collateral = await ((IEvidenceCollateralSource)impostor.Evidence).GetCollateralAsync(quote, Token),
                        RuntimeKey = publicKey.SubjectPublicKeyInfo.ToArray(),
                    },
                    KmsWireJsonContext.Default.AttestRequest));

            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("urn:ppml:kms:forbidden", problem.Type);
            Assert.Contains("rejected under policy 'sim-app'", problem.Detail!, StringComparison.Ordinal);
            Assert.Contains($"MRSIGNER {impostor.Identity.MrSignerHex}", problem.Detail!, StringComparison.Ordinal);
            Assert.Contains("matches no allowed MRENCLAVE and no allowed signer", problem.Detail!, StringComparison.Ordinal);
            KmsException viaClient = await Assert.ThrowsAsync<KmsException>(() => Ppml.Workloads.Keys.WorkloadAttestation.AttestAsync(workload, impostor.Evidence, "sim-app", Token));
            Assert.Equal(KmsErrorCode.Forbidden, viaClient.Code);
        }
    }

    private const string WorkloadContent = "the workload's code";

    private static string WriteApplication(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Workload.dll"), WorkloadContent);
        File.WriteAllText(Path.Combine(directory, "Workload.Model.dll"), "the model code");
        File.WriteAllText(Path.Combine(directory, "Workload.runtimeconfig.json"), "{}");
        return directory;
    }

    private static TeeRuntimeOptions Options(TempDirectory temp, string signedEnclave) => new()
    {
        ConfiguredMode = Ppml.Core.TeeKind.Simulation,
        GetEnvironmentVariable = _ => null,
        ApplicationDirectory = temp.Combine("app"), // the synthetic workload stands for the running application
        RuntimeComponents = [], // its runtimeconfig names no framework
        SimulationPlatformDirectory = temp.Combine("platform"),
        SignedEnclavePath = temp.Combine(signedEnclave),
        SealingSecretPath = temp.Combine("seal.secret"),
        SimulatedEvidence = SimulatedTee.Evidence, // composed here, as a host's composition root does
    };

    private static async Task<(HttpStatusCode, ProblemResponse)> PostAsync(HttpClient http, string path, string json)
    {
        using HttpResponseMessage response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Token);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Token), KmsWireJsonContext.Default.ProblemResponse)!);
    }
}
