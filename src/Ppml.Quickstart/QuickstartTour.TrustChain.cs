using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Crypto.Keys;
using Ppml.Data;
using Ppml.Kms;
using Ppml.Kms.Envelope;
using Ppml.Kms.Remote;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;
using Ppml.Learning.Mnist;

using Ppml.Learning.Serialization;
using Ppml.Learning.Training;
using Ppml.Tee;
using Ppml.Tee.Measurement;
using Ppml.Workloads;
using Ppml.Workloads.Keys;
using Ppml.Workloads.Learning;
using Ppml.Workloads.Workspace;

namespace Ppml.Quickstart;

/// <summary>
/// The trust chain of the quickstart: a KMS server on loopback with the DCAP verifier, a key released only to the
/// measured ppml enclave; attest, release, decrypt in memory; then a changed trusted file and a different signer are
/// both refused.
/// </summary>
public sealed partial class QuickstartTour
{
    private const string AttestationPolicyId = "ppml-app";
    private const string GuardedKeyName = "guarded";

    private async Task RunTrustChainStepsAsync(IWorkloadHost quiet, string home, string root, string plainFile, CancellationToken cancellationToken)
    {
        // The "other signer" key takes seconds to generate (RSA-3072, exponent 3): start it now, use it last.
        Task<RSA> otherKey = Task.Run(() => RsaKeyGenerator.Generate(3072, 3), cancellationToken);
        try
        {
            await RunTrustChainStepsAsync(quiet, home, root, plainFile, otherKey, cancellationToken);
        }
        finally
        {
            try
            {
                (await otherKey).Dispose();
            }
            catch (OperationCanceledException)
            {
                // Cancelled before it started: nothing to dispose.
            }
        }
    }

    private async Task RunTrustChainStepsAsync(IWorkloadHost quiet, string home, string root, string plainFile, Task<RSA> otherKey, CancellationToken cancellationToken)
    {
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(home, cancellationToken);
        string password = await workspace.ReadPasswordAsync(cancellationToken);
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(
            Path.Combine(workspace.TlsDirectory, "keystore.pkcs12"), password, X509KeyStorageFlags.EphemeralKeySet);
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(workspace.TlsDirectory, "ca.crt"));
        SignedEnclave ppml = await EnclaveSigner.LoadAsync(workspace.SignedEnclavePath, cancellationToken);

        KmsServer server = await StepAsync("kms-serve", async () =>
        {
            DcapEvidenceVerifier verifier = await DcapEvidenceVerifier.ForSimulatedPlatformAsync(workspace.SimulatedPlatformDirectory, _host.TimeProvider, cancellationToken: cancellationToken);
            KmsServer started = await KmsServer.StartAsync(
                new KmsServerOptions { Urls = ["https://127.0.0.1:0"], StoreDirectory = Path.Combine(root, "kms-server"), Certificate = certificate },
                verifier,
                timeProvider: _host.TimeProvider,
                cancellationToken: cancellationToken);
            return (started, $"KMS server on {started.BaseAddress} (HTTPS, workspace certificate); DCAP verifier trusting Intel's root and this workspace's SIMULATED platform");
        });

        await using (server)
        {
            string adminKey = (await File.ReadAllTextAsync(server.AdminKeyPath, cancellationToken)).Trim();
            using var owner = new KmsClient(server.BaseAddress, adminKey, ca);
            string encrypted = Path.Combine(root, "guarded", "people.csv" + PpmlFileNames.ContainerExtension);
            string workloadKey = await StepAsync("guard", async () =>
            {
                string policy = $$$"""{"sgx": {"signers": [{"mrSigner": "{{{ppml.MrSigner}}}", "isvProdId": {{{ppml.IsvProdId}}}, "minIsvSvn": {{{ppml.IsvSvn}}}}]}}""";
                using (JsonDocument document = JsonDocument.Parse(policy))
                {
                    await owner.SetPolicyAsync(AttestationPolicyId, new SetPolicyRequest { Description = "the ppml application, by signer", Policy = document.RootElement.Clone() }, cancellationToken);
                }

                ApplicationDescription workload = await owner.CreateApplicationAsync(new CreateApplicationRequest { Id = "workload" }, cancellationToken);
                await owner.CreateKeyAsync(new CreateKeyRequest
                {
                    Name = GuardedKeyName,
                    AllowedApplications = ["workload"],
                    ReleasePolicy = new KeyReleasePolicy
                    {
                        PolicyId = AttestationPolicyId,
                        AllowedTee = ["sgx"],
                        AllowSimulation = true, // this demo has no SGX; a production key leaves this false
                        MrEnclave = [ppml.MrEnclave],
                        MrSigner = [ppml.MrSigner],
                    },
                }, cancellationToken);
                Directory.CreateDirectory(Path.GetDirectoryName(encrypted)!);
                await EnvelopeEncryption.EncryptFileAsync(owner, GuardedKeyName, plainFile, encrypted, cancellationToken: cancellationToken);
                return (workload.ApiKey!, $"policy '{AttestationPolicyId}' (signer {ppml.MrSigner[..16]}...), key '{GuardedKeyName}' released only to mrenclave {ppml.MrEnclave[..16]}...; people.csv encrypted under it");
            });

            await StepAsync("release", async () =>
            {
                using var workload = new KmsClient(server.BaseAddress, workloadKey, ca);
                ContainerHeaderProbe probe = await ContainerHeaderProbe.ReadAsync(encrypted, cancellationToken);
                try
                {
                    await workload.UnwrapDataKeyAsync(GuardedKeyName, probe.KeyVersion, probe.WrappedKey, cancellationToken);
                    throw new QuickstartException("The KMS released a guarded key without attestation; this must never happen.");
                }
                catch (KmsException refused) when (refused.Code == KmsErrorCode.Forbidden)
                {
                    // Expected: an API key alone does not unwrap a key with a release policy.
                }

                using TeeRuntime runtime = await TeeRuntime.CreateAsync(WorkspaceTee.Options(quiet, workspace), cancellationToken);
                (AttestResponse token, ECDiffieHellman runtimeKey) = await WorkloadAttestation.AttestAsync(workload, runtime.Evidence, AttestationPolicyId, cancellationToken);
                using ECDiffieHellman ownedRuntimeKey = runtimeKey;
                byte[] decrypted = await DecryptInMemoryAsync(workload, encrypted, cancellationToken);
                byte[] expected = await File.ReadAllBytesAsync(plainFile, cancellationToken);
                if (!decrypted.AsSpan().SequenceEqual(expected))
                {
                    throw new QuickstartException("The released key decrypted people.csv to different bytes.");
                }

                return (0, $"attested ({runtime.Kind.ToString().ToLowerInvariant()}, verified {ppml.Files.Count} trusted files) -> token until {token.ExpiresAt:HH:mm:ss}Z -> " +
                    $"data key released to an ephemeral key -> people.csv decrypted in memory ({decrypted.Length} bytes, equal); no token: 403");
            });

            await StepAsync("attested-sql", async () =>
            {
                await using PpmlSession session = await PpmlSession.OpenAsync(WorkloadSession(quiet, workspace, server, workloadKey), cancellationToken);
                await using PpmlContext context = await session.OpenContextAsync(cancellationToken);
                await context.RegisterTableAsync("people", encrypted, DatasetFormat.Csv, cancellationToken: cancellationToken);
                string output = Path.Combine(root, "guarded", "by-city.csv" + PpmlFileNames.ContainerExtension);
                WriteResult written = await context.WriteAsync(
                    "SELECT city, count(*) AS people FROM people GROUP BY city ORDER BY city", output, DatasetFormat.Csv, new DatasetWriteOptions { Encrypt = true }, cancellationToken);
                using var workloadAlone = new KmsClient(server.BaseAddress, workloadKey, ca);
                ContainerHeaderProbe probe = await ContainerHeaderProbe.ReadAsync(output, cancellationToken);
                await RequireForbiddenAsync(() => workloadAlone.UnwrapDataKeyAsync(GuardedKeyName, probe.KeyVersion, probe.WrappedKey, cancellationToken), "the output's key");
                return (0, $"'ppml sql' as a library call (PpmlSession): attested ({session.TeeLabel}, {session.AttestationTime.TotalMilliseconds:0} ms) -> people.csv.ppml decrypted in memory -> " +
                    $"{written.Rows} rows written encrypted under '{GuardedKeyName}' with a data key drawn in the TEE, only wrapped by the KMS; the workload's API key alone cannot open it (403)");
            });

            await StepAsync("attested-train", async () =>
            {
                string mnist = Path.Combine(root, "guarded", "mnist");
                await ExtractMnistSampleAsync(mnist + ".plain", cancellationToken);
                Directory.CreateDirectory(mnist);
                foreach (string name in s_mnistSampleFiles)
                {
                    await EnvelopeEncryption.EncryptFileAsync(owner, GuardedKeyName, Path.Combine(mnist + ".plain", name), Path.Combine(mnist, name + PpmlFileNames.ContainerExtension), cancellationToken: cancellationToken);
                }

                Directory.Delete(mnist + ".plain", recursive: true);
                await using PpmlSession session = await PpmlSession.OpenAsync(WorkloadSession(quiet, workspace, server, workloadKey), cancellationToken);
                MnistData train = (await ProtectedLearningFiles.LoadMnistSplitAsync(session, mnist, MnistSplit.Train, cancellationToken)).Take(512);
                MnistData test = await ProtectedLearningFiles.LoadMnistSplitAsync(session, mnist, MnistSplit.Test, cancellationToken);
                TrainingResult trained = await LeNetTrainer.TrainAsync(train, test, new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 42 }, cancellationToken: cancellationToken);
                string model = Path.Combine(root, "guarded", "lenet.ppml");
                await session.WriteOutputAsync(model, GuardedKeyName, overwrite: false, (stream, token) => ModelSerializer.SaveAsync(trained.Model, stream, token), cancellationToken);
                return (0, $"'ppml train' as a library call: attested, 512 encrypted MNIST images, 1 epoch; {trained.Epochs[^1].Top1Line} -> model encrypted under '{GuardedKeyName}' with a key drawn in the TEE");
            });

            await StepAsync("tampered", async () =>
            {
                string shadow = await ShadowWithOneChangedFileAsync(ppml, Path.Combine(root, "tampered-app"), cancellationToken);
                try
                {
                    using TeeRuntime runtime = await TeeRuntime.CreateAsync(WorkspaceTee.Options(quiet, workspace, applicationDirectory: shadow), cancellationToken);
                }
                catch (TeeException refused) when (refused.Message.Contains(TamperedFile, StringComparison.Ordinal))
                {
                    return (0, $"a changed {TamperedFile} stops the TEE runtime before any evidence exists: \"{refused.Message.Replace(shadow + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal)}\"");
                }

                throw new QuickstartException($"The TEE runtime started with a changed {TamperedFile}; this must never happen.");
            });

            await StepAsync("signer", async () =>
            {
                string otherSigned = Path.Combine(root, "other-signer.sig.json");
                SignedEnclave other = await EnclaveSigner.SignAsync(EnclaveManifest.ForApplication(ppml.BaseDirectory), await otherKey, cancellationToken);
                await AtomicFile.WriteAllBytesAsync(otherSigned, EnclaveSigner.Serialize(other), overwrite: true, cancellationToken: cancellationToken);

                using var workload = new KmsClient(server.BaseAddress, workloadKey, ca);
                using TeeRuntime runtime = await TeeRuntime.CreateAsync(WorkspaceTee.Options(quiet, workspace, signedEnclavePath: otherSigned), cancellationToken);
                try
                {
                    (_, ECDiffieHellman runtimeKey) = await WorkloadAttestation.AttestAsync(workload, runtime.Evidence, AttestationPolicyId, cancellationToken);
                    runtimeKey.Dispose();
                }
                catch (KmsException refused) when (refused.Code == KmsErrorCode.Forbidden)
                {
                    int at = refused.Message.IndexOf("(403): ", StringComparison.Ordinal);
                    string detail = at < 0 ? refused.Message : "403 " + refused.Message[(at + "(403): ".Length)..];
                    return (0, $"the same files signed with another key (mrsigner {runtime.Identity!.MrSignerHex[..16]}...) are refused at attestation: {detail}");
                }

                throw new QuickstartException("The KMS accepted an enclave signed by another key; this must never happen.");
            });

            await RunSampleStepsAsync(quiet, workspace, server, owner, workloadKey, encrypted, root, cancellationToken);
        }
    }

    /// <summary>The trusted file the tamper step changes (small, and always part of ppml).</summary>
    private const string TamperedFile = "Ppml.Tee.dll";

    /// <summary>
    /// A copy of the application made of symbolic links to the real trusted files, except <see cref="TamperedFile"/>,
    /// which is copied and changed by one byte: the installed ppml is never touched.
    /// </summary>
    private static async Task<string> ShadowWithOneChangedFileAsync(SignedEnclave enclave, string shadow, CancellationToken cancellationToken)
    {
        foreach (TrustedFile file in enclave.Files.Where(f => !f.Path.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal)))
        {
            string source = Path.Combine(enclave.BaseDirectory, file.Path);
            string target = Path.Combine(shadow, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (file.Path == TamperedFile)
            {
                byte[] bytes = await File.ReadAllBytesAsync(source, cancellationToken);
                bytes[^1] ^= 0x01;
                await File.WriteAllBytesAsync(target, bytes, cancellationToken);
            }
            else
            {
                File.CreateSymbolicLink(target, source);
            }
        }

        return shadow;
    }

    private static async Task<byte[]> DecryptInMemoryAsync(IKeyManagementService kms, string container, CancellationToken cancellationToken)
    {
        await using FileStream input = File.OpenRead(container);
        await using Ppml.Crypto.Container.ContainerReadStream plaintext = await EnvelopeEncryption.OpenReadAsync(kms, input, leaveOpen: true, cancellationToken);
        using var memory = new MemoryStream();
        await plaintext.CopyToAsync(memory, cancellationToken);
        return memory.ToArray();
    }

    /// <summary>The key reference of a container, to show that an API key alone cannot unwrap it.</summary>
    private sealed record ContainerHeaderProbe(int KeyVersion, ReadOnlyMemory<byte> WrappedKey)
    {
        public static async Task<ContainerHeaderProbe> ReadAsync(string path, CancellationToken cancellationToken)
        {
            await using FileStream stream = File.OpenRead(path);
            Ppml.Crypto.Container.ContainerHeader header = await Ppml.Crypto.Container.PpmlContainer.ReadHeaderAsync(stream, cancellationToken);
            return new ContainerHeaderProbe(header.KeyVersion, header.WrappedDataKey);
        }
    }

    /// <summary>The workload's session: the KMS server, the workload's API key (not the owner's), the workspace's TEE runtime.</summary>
    private PpmlSessionOptions WorkloadSession(IWorkloadHost quiet, PpmlWorkspace workspace, KmsServer server, string workloadKey) => new()
    {
        KmsUri = server.BaseAddress.ToString(),
        ApiKey = workloadKey,
        CaCertificatePath = Path.Combine(workspace.TlsDirectory, "ca.crt"),
        DefaultKeyName = GuardedKeyName,
        TimeProvider = _host.TimeProvider,
        CreateTeeRuntimeAsync = token => TeeRuntime.CreateAsync(WorkspaceTee.Options(quiet, workspace), token),
    };

    private static async Task RequireForbiddenAsync(Func<Task> unwrap, string what)
    {
        try
        {
            await unwrap();
        }
        catch (KmsException refused) when (refused.Code == KmsErrorCode.Forbidden)
        {
            return;
        }

        throw new QuickstartException($"The KMS released {what} to an API key without attestation; this must never happen.");
    }
}
