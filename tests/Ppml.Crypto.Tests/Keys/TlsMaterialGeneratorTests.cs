using System.Security.Cryptography.X509Certificates;
using Ppml.Crypto.Keys;
using Ppml.Testing;

namespace Ppml.Crypto.Tests.Keys;

public class TlsMaterialGeneratorTests
{
    [Fact]
    public async Task WriteAsync_Defaults_OpenSslVerifiesChainAndOpensKeystore()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("tls");
        string passwordFile = temp.Combine("pw.txt");
        await File.WriteAllTextAsync(passwordFile, "s3cret-keystore\n", TestContext.Current.CancellationToken);

        await TlsMaterialGenerator.WriteAsync(directory, "s3cret-keystore", [], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken);

        foreach (string name in TlsMaterialGenerator.FileNames)
        {
            Assert.True(File.Exists(Path.Combine(directory, name)), name);
        }

        ProcessRunner.Result verify = await ProcessRunner.OpenSslAsync("verify", "-CAfile", Path.Combine(directory, "ca.crt"), Path.Combine(directory, "server.crt"));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("OK", verify.Output, StringComparison.Ordinal);

        ProcessRunner.Result pkcs12 = await ProcessRunner.OpenSslAsync(
            "pkcs12", "-in", Path.Combine(directory, "keystore.pkcs12"), "-passin", "file:" + passwordFile, "-nodes");
        Assert.True(pkcs12.ExitCode == 0, pkcs12.Error);
        Assert.Contains("BEGIN PRIVATE KEY", pkcs12.Output, StringComparison.Ordinal);
        Assert.Contains("BEGIN CERTIFICATE", pkcs12.Output, StringComparison.Ordinal);

        ProcessRunner.Result csr = await ProcessRunner.OpenSslAsync("req", "-in", Path.Combine(directory, "server.csr"), "-verify", "-noout");
        Assert.True(csr.ExitCode == 0, csr.Error);

        ProcessRunner.Result keyMatchesCert = await ProcessRunner.OpenSslAsync(
            "x509", "-in", Path.Combine(directory, "server.pem"), "-noout", "-ext", "subjectAltName");
        Assert.Contains("DNS:localhost", keyMatchesCert.Output, StringComparison.Ordinal);
        Assert.Contains("IP Address:127.0.0.1", keyMatchesCert.Output, StringComparison.Ordinal);

        if (!OperatingSystem.IsWindows())
        {
            foreach (string secret in new[] { "ca.key", "server.key", "server.pem", "keystore.pkcs12" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, secret)));
            }
        }
    }

    [Fact]
    public async Task WriteAsync_CustomNames_AppearInCertificateAndKeystoreLoadsInDotNet()
    {
        using var temp = new TempDirectory();
        await TlsMaterialGenerator.WriteAsync(temp.Path, "pw", ["kms.internal", "10.0.0.5"], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken);

        using X509Certificate2 server = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(temp.Path, "keystore.pkcs12"), "pw");
        Assert.True(server.HasPrivateKey);
        Assert.True(server.MatchesHostname("kms.internal"));
        Assert.False(server.MatchesHostname("localhost"));
    }

    [Fact]
    public async Task WriteAsync_ExistingFilesWithoutOverwrite_ThrowsAndKeepsThem()
    {
        using var temp = new TempDirectory();
        await TlsMaterialGenerator.WriteAsync(temp.Path, "pw", [], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken);
        byte[] before = await File.ReadAllBytesAsync(Path.Combine(temp.Path, "ca.key"), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IOException>(() =>
            TlsMaterialGenerator.WriteAsync(temp.Path, "pw", [], TimeProvider.System, overwrite: false, TestContext.Current.CancellationToken));

        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(temp.Path, "ca.key"), TestContext.Current.CancellationToken));
    }
}
