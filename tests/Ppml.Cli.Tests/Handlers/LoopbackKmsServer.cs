using System.Security.Cryptography.X509Certificates;
using Ppml.Cli.Handlers;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tests.Handlers;

/// <summary>A KMS server on 127.0.0.1 with the workspace's TLS certificate and the verifier `ppml kms serve` builds for it.</summary>
internal sealed class LoopbackKmsServer : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;

    private LoopbackKmsServer(X509Certificate2 certificate, KmsServer server)
    {
        _certificate = certificate;
        Server = server;
    }

    public KmsServer Server { get; }

    /// <summary>The CLI options that reach the server as its admin: --kms URL --api-key-file FILE.</summary>
    public string[] Options => ["--kms", Server.BaseAddress.ToString(), "--api-key-file", Server.AdminKeyPath];

    /// <summary>
    /// Starts a server for the workspace in <paramref name="cli"/>'s home, its store in TEMP/store, with the verifier
    /// `ppml kms serve` builds in <paramref name="environment"/> (default: empty).
    /// </summary>
    public static async Task<LoopbackKmsServer> StartAsync(CliHarness cli, Func<string, string?>? environment = null)
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(cli.Home, token);
        var context = new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = cli.Temp.Path, GetEnvironmentVariable = environment ?? (_ => null) };
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(
            Path.Combine(workspace.TlsDirectory, "keystore.pkcs12"), await workspace.ReadPasswordAsync(token), X509KeyStorageFlags.EphemeralKeySet);
        try
        {
            DcapEvidenceVerifier verifier = await new KmsServeHandler(context).CreateVerifierAsync(workspace, null, intelOnly: false, [], token);
            KmsServer server = await KmsServer.StartAsync(
                new KmsServerOptions { Urls = ["https://127.0.0.1:0"], StoreDirectory = cli.Temp.Combine("store"), Certificate = certificate }, verifier, cancellationToken: token);
            return new LoopbackKmsServer(certificate, server);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Registers attestation policy <c>ppml</c>, admitting the workspace's signed ppml by MRENCLAVE (simulated quotes are
    /// accepted by this server), so workloads can attest with <c>--policy ppml</c>.
    /// </summary>
    public async Task RegisterPpmlPolicyAsync(CliHarness cli)
    {
        using var signed = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cli.Home, "enclave", "ppml.sig.json"), TestContext.Current.CancellationToken));
        string mrEnclave = signed.RootElement.GetProperty("mrEnclave").GetString()!;
        cli.Write("ppml-appraisal.json", $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}}""");
        CliResult set = await cli.RunAsync(["kms", "policy", "set", "ppml", "--file", "ppml-appraisal.json", .. Options]);
        Assert.True(set.ExitCode == 0, set.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _certificate.Dispose();
    }
}
