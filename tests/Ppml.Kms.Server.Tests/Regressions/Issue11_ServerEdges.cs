using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Tests.Fakes;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 11, server edges: a caller's malformed credential, invalid UTF-8 in a policy and an HTTP/2 body without
/// Content-Length each get a 4xx problem answer — never a 500, never a silently ignored body — and the server offers
/// TLS 1.3 and TLS 1.2 with AEAD suites only.
/// </summary>
public sealed class Issue11_ServerEdges
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiKey_NonCanonicalBase64Secret_Is401NotServerError()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = harness.RawHttp();
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var random = new Random(11);
        int nonCanonical = 0;
        for (int i = 0; i < 40; i++)
        {
            string secret = new([.. Enumerable.Range(0, 43).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            nonCanonical += (alphabet.IndexOf(secret[^1], StringComparison.Ordinal) & 3) != 0 ? 1 : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/keys");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"ppmlk.0123456789ab.{secret}");

            using HttpResponseMessage response = await http.SendAsync(request, Token);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.True(nonCanonical > 10, $"only {nonCanonical} of 40 secrets were non-canonical; the test would not reproduce the bug");
    }

    [Fact]
    public async Task PutPolicy_InvalidUtf8InPolicy_Is400()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using HttpClient http = Issue10_GuardedKeyPlaintextRules.RawHttp(harness, harness.AdminKey);
        byte[] body = [.. """{"policy":{"sgx":{"mrEnclave":["a"]},"note":" """u8, 0xC3, 0x28, .. """ "}}"""u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using HttpResponseMessage response = await http.PutAsync("v1/policies/p", content, Token);
        string detail = Issue10_GuardedKeyPlaintextRules.Detail(await response.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http2_BodyWithoutContentLength_IsReadNotIgnored()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using (KmsClient admin = harness.Client())
        {
            await admin.CreateKeyAsync(new CreateKeyRequest { Name = "plain" }, Token);
        }

        using HttpClient http = Issue10_GuardedKeyPlaintextRules.RawHttp(harness, harness.AdminKey);

        // An unknown member must be refused (400), which proves the body was read at all.
        using HttpResponseMessage unknown = await SendHttp2Async(http, "v1/keys/plain/datakey", """{"includePlaintext":false,"nonsense":1}""");
        using HttpResponseMessage asked = await SendHttp2Async(http, "v1/keys/plain/datakey", """{"includePlaintext":true}""");
        using HttpResponseMessage declined = await SendHttp2Async(http, "v1/keys/plain/datakey", """{"includePlaintext":false}""");

        Assert.Equal(HttpVersion.Version20, unknown.Version);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("\"plaintext\":\"", await asked.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.DoesNotContain("\"plaintext\":\"", await declined.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SslProtocols.Tls13, null, true)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, false)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false)]
    public async Task Tls_OnlyTls13AndAeadTls12AreAccepted(SslProtocols protocol, TlsCipherSuite? only, bool accepted)
    {
        // The server's certificate is ECDSA (TlsMaterialGenerator), so the ECDHE_ECDSA suites are the ones it could serve.
        // Cipher suites are the application's choice where .NET uses OpenSSL; this machine is Linux.
        await using ServerHarness harness = await ServerHarness.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, harness.Server.BaseAddress.Port, Token);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => IssuedByHarnessCa(harness, certificate));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            CipherSuitesPolicy = only is { } suite ? new CipherSuitesPolicy([suite]) : null,
        };

        Exception? failure = await Record.ExceptionAsync(() => ssl.AuthenticateAsClientAsync(options, Token));

        if (accepted)
        {
            Assert.Null(failure);
            Assert.Equal(protocol, ssl.SslProtocol);
        }
        else
        {
            Assert.True(failure is AuthenticationException or IOException, $"expected a refused handshake, got {failure?.GetType().Name ?? "success"}");
        }
    }

    private static bool IssuedByHarnessCa(ServerHarness harness, X509Certificate? certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(harness.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static Task<HttpResponseMessage> SendHttp2Async(HttpClient http, string path, string json)
    {
        // A stream of unknown length: HTTP/2 sends it as DATA frames with no Content-Length header.
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        return http.SendAsync(request, Token);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
