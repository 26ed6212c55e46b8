using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Ppml.Crypto.Keys;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests.Fakes;

/// <summary>A real KMS server on 127.0.0.1:0 over HTTPS with a fresh CA, store and fake verifier; clients validate against the CA.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private const string Password = "harness-keystore-password";

    private bool _stopped;

    private ServerHarness(TempDirectory temp, KmsServer server, X509Certificate2 ca, FakeEvidenceVerifier verifier, IEvidenceVerifier evidenceVerifier, KmsServerOptions options)
    {
        Temp = temp;
        Server = server;
        Ca = ca;
        Verifier = verifier;
        EvidenceVerifier = evidenceVerifier;
        Options = options;
    }

    public TempDirectory Temp { get; }

    public KmsServer Server { get; private set; }

    public X509Certificate2 Ca { get; }

    public FakeEvidenceVerifier Verifier { get; }

    /// <summary>The verifier the server uses: <see cref="Verifier"/> unless the test passed another.</summary>
    public IEvidenceVerifier EvidenceVerifier { get; }

    public KmsServerOptions Options { get; }

    public string CaPath => Temp.Combine("tls", "ca.crt");

    public string AdminKey => System.IO.File.ReadAllText(Server.AdminKeyPath).Trim();

    public static async Task<ServerHarness> StartAsync(TimeProvider? timeProvider = null, IEvidenceVerifier? evidenceVerifier = null, Action<KmsServerOptions>? configure = null)
    {
        var temp = new TempDirectory();
        await TlsMaterialGenerator.WriteAsync(temp.Combine("tls"), Password, [], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken);
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(temp.Combine("tls", "keystore.pkcs12"), Password);
        X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(temp.Combine("tls", "ca.crt"));
        var options = new KmsServerOptions
        {
            Urls = ["https://127.0.0.1:0"],
            StoreDirectory = temp.Combine("store"),
            Certificate = certificate,
            KdfIterations = 1000,
        };
        configure?.Invoke(options);
        var verifier = new FakeEvidenceVerifier();
        KmsServer server = await KmsServer.StartAsync(options, evidenceVerifier ?? verifier, ConfigureLogging, timeProvider, TestContext.Current.CancellationToken);
        return new ServerHarness(temp, server, ca, verifier, evidenceVerifier ?? verifier, options);
    }

    /// <summary>PPML_TEST_LOG=1 shows the server's log on the console (for debugging a failing test).</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        if (Environment.GetEnvironmentVariable("PPML_TEST_LOG") == "1")
        {
            logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }
    }

    public KmsClient Client(string? apiKey = null) => new(Server.BaseAddress, apiKey ?? AdminKey, Ca);

    public HttpClient RawHttp()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(Ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }

    /// <summary>Stops the server and starts a new one on the same store.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Stops the server; the store stays, for offline operations on it.</summary>
    public async Task StopAsync()
    {
        await Server.DisposeAsync();
        _stopped = true;
    }

    /// <summary>Starts a new server on the same store with <see cref="Options"/> (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        Server = await KmsServer.StartAsync(Options, EvidenceVerifier, ConfigureLogging, cancellationToken: TestContext.Current.CancellationToken);
        _stopped = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await Server.DisposeAsync();
        }

        Options.Certificate?.Dispose();
        Ca.Dispose();
        Temp.Dispose();
    }
}
