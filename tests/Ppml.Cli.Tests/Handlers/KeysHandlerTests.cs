using Ppml.Testing;

namespace Ppml.Cli.Tests.Handlers;

public class KeysHandlerTests
{
    [Fact]
    public async Task KeysEnclave_WritesExponent3KeyWithMode0600_RefusesOverwrite()
    {
        using var cli = new CliHarness();

        CliResult first = await cli.RunAsync("keys", "enclave", "--out", "enclave-key.pem");
        CliResult second = await cli.RunAsync("keys", "enclave", "--out", "enclave-key.pem");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(1, second.ExitCode);
        string path = cli.Temp.Combine("enclave-key.pem");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        ProcessRunner.Result check = await ProcessRunner.OpenSslAsync("rsa", "-in", path, "-check", "-noout", "-text");
        Assert.Contains("publicExponent: 3", check.Output, StringComparison.Ordinal);
        Assert.Contains("RSA key ok", check.Output + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysTls_WithSans_OpenSslVerifies()
    {
        using var cli = new CliHarness();
        cli.Write("pw", "keystore-pass");

        CliResult result = await cli.RunAsync("keys", "tls", "--out", "tls", "--password-file", "pw", "--san", "kms.local", "--san", "127.0.0.1");

        Assert.True(result.ExitCode == 0, result.ToString());
        ProcessRunner.Result verify = await ProcessRunner.OpenSslAsync("verify", "-CAfile", cli.Temp.Combine("tls", "ca.crt"), cli.Temp.Combine("tls", "server.crt"));
        Assert.Equal(0, verify.ExitCode);
        ProcessRunner.Result san = await ProcessRunner.OpenSslAsync("x509", "-in", cli.Temp.Combine("tls", "server.crt"), "-noout", "-ext", "subjectAltName");
        Assert.Contains("DNS:kms.local", san.Output, StringComparison.Ordinal);
        ProcessRunner.Result p12 = await ProcessRunner.OpenSslAsync("pkcs12", "-in", cli.Temp.Combine("tls", "keystore.pkcs12"), "-passin", "file:" + cli.Temp.Combine("pw"), "-noout");
        Assert.Equal(0, p12.ExitCode);
    }

    [Fact]
    public async Task PasswordEncrypt_ThenDecryptAndOpenSsl_PrintPassword()
    {
        using var cli = new CliHarness();
        cli.Write("pw", "hunter2\n");

        CliResult encrypt = await cli.RunAsync("password", "encrypt", "--password-file", "pw", "--out", "enc");
        CliResult decrypt = await cli.RunAsync("password", "decrypt", "--dir", "enc");
        ProcessRunner.Result openssl = await ProcessRunner.OpenSslAsync(
            "pkeyutl", "-decrypt", "-inkey", cli.Temp.Combine("enc", "key.txt"), "-in", cli.Temp.Combine("enc", "output.bin"),
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

        Assert.Equal(0, encrypt.ExitCode);
        Assert.Equal("hunter2\n", decrypt.Output);
        Assert.Equal("hunter2", openssl.Output);
    }

    [Fact]
    public async Task PasswordDecrypt_MissingDirectory_IsClearError()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("password", "decrypt", "--dir", "nowhere");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("key.txt", result.Error, StringComparison.Ordinal);
    }
}
