using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ppml.Crypto.Keys;
using Ppml.Kms.Remote;
using Ppml.Testing;

namespace Ppml.Kms.Server.Tests.Regressions;

/// <summary>
/// Issue 10: "after attesting, the client still accepts a plaintext answer". A peer that is not our KMS (or does not follow
/// the protocol) answers an attested unwrap with a plaintext data key; the armed client must refuse it.
/// </summary>
public sealed class Issue10_ArmedClientRefusesPlaintext
{
    private const string Password = "fake-peer-keystore";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnwrapDataKey_ArmedClientAnsweredWithPlaintext_RefusesIt_UnarmedAcceptsIt()
    {
        using var temp = new TempDirectory();
        await TlsMaterialGenerator.WriteAsync(temp.Combine("tls"), Password, [], TimeProvider.System, overwrite: false, Token);
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(temp.Combine("tls", "keystore.pkcs12"), Password);
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(temp.Combine("tls", "ca.crt"));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await using WebApplication peer = builder.Build();
        peer.MapPost("/v1/keys/{name}/unwrap", (string name) =>
            Results.Json(new { keyName = name, keyVersion = 1, plaintext = Convert.ToBase64String(new byte[32]) }));
        await peer.StartAsync(Token);
        var address = new Uri(peer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var unarmed = new KmsClient(address, "workload-key", ca);
        using var armed = new KmsClient(address, "workload-key", ca);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        armed.UseAttestation("a-token", runtime);

        byte[] accepted = await unarmed.UnwrapDataKeyAsync("datasets", 1, new byte[81], Token);
        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => armed.UnwrapDataKeyAsync("datasets", 1, new byte[81], Token));

        Assert.Equal(32, accepted.Length);
        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Contains("plaintext", refused.Message, StringComparison.Ordinal);
        await peer.StopAsync(Token);
    }
}
