using System.Text.Json;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Handlers;

public class InitHandlerTests
{
    [Fact]
    public async Task Init_CreatesWorkspaceWithKeysTlsPasswordAndKms()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync("init", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        Assert.Equal("simulation", json.RootElement.GetProperty("tee").GetString());
        foreach (string file in new[]
        {
            "config.json", "enclave-key.pem", "tls/ca.crt", "tls/server.crt", "tls/keystore.pkcs12", "password/key.txt", "password/output.bin", "kms/kms.json",
            "enclave/ppml.sig.json", "attestation/seal.secret", "attestation/platform/platform.json", "attestation/platform/root-ca.pem", "attestation/platform/collateral-sgx.json",
        })
        {
            Assert.True(File.Exists(Path.Combine(cli.Home, file)), file);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cli.Home, "attestation", "seal.secret")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cli.Home, "attestation", "platform", "attestation-key.pem")));
        Assert.Equal(32, new FileInfo(Path.Combine(cli.Home, "attestation", "seal.secret")).Length);

        // The signed enclave is ppml itself, signed with the workspace key, and it verifies here.
        CliResult verified = await cli.RunAsync("enclave", "verify", Path.Combine(cli.Home, "enclave", "ppml.sig.json"));
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains(json.RootElement.GetProperty("mrEnclave").GetString()!, verified.Output, StringComparison.Ordinal);
        using JsonDocument signed = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.Home, "enclave", "ppml.sig.json")));
        Assert.Contains(signed.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "ppml.dll");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cli.Home, "enclave-key.pem")));
        ProcessRunner.Result rsa = await ProcessRunner.OpenSslAsync("rsa", "-in", Path.Combine(cli.Home, "enclave-key.pem"), "-noout", "-text");
        Assert.Contains("publicExponent: 3", rsa.Output, StringComparison.Ordinal);

        CliResult keys = await cli.RunAsync("kms", "key", "list", "--json");
        Assert.Contains("\"name\":\"primary\"", keys.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData(" simulation")]
    [InlineData("SGX")]
    [InlineData("")]
    [InlineData("auto")]
    public async Task Init_InvalidPpmlTee_ExitsTwo_AndWritesNoWorkspace(string value)
    {
        using var cli = new CliHarness();
        cli.SetEnvironment("PPML_TEE", value);

        CliResult result = await cli.RunAsync("init");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PPML_TEE", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(cli.Home), "no workspace may be written");
    }

    [Theory]
    [InlineData(null, "production")]
    [InlineData("simulation", "production")]
    [InlineData(null, " production")]
    [InlineData(null, "prod")]
    public async Task Init_ProductionOrNearMiss_RefusesASimulatedWorkspace_AndWritesNothing(string? tee, string environment)
    {
        using var cli = new CliHarness();
        cli.SetEnvironment("PPML_TEE", tee);
        cli.SetEnvironment("PPML_ENVIRONMENT", environment);

        CliResult result = await cli.RunAsync("init");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PPML_ENVIRONMENT", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(cli.Home), "no workspace may be written");
    }

    [Fact]
    public async Task Init_Twice_RefusesWithoutForce_AndForceKeepsBackup()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        byte[] originalKms = File.ReadAllBytes(Path.Combine(cli.Home, "kms", "kms.json"));

        CliResult refused = await cli.RunAsync("init");
        CliResult forced = await cli.RunAsync("init", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        string backup = Assert.Single(Directory.GetDirectories(Path.Combine(cli.Home, "backups")));
        Assert.Equal(originalKms, File.ReadAllBytes(Path.Combine(backup, "kms", "kms.json")));
        Assert.NotEqual(originalKms, File.ReadAllBytes(Path.Combine(cli.Home, "kms", "kms.json")));
    }

    [Fact]
    public async Task Init_HonoursPpmlHomeAndHomeOption()
    {
        using var cli = new CliHarness();
        cli.SetEnvironment("PPML_HOME", cli.Temp.Combine("env-home"));

        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("init", "--home", "opt-home")).ExitCode);

        Assert.True(File.Exists(cli.Temp.Combine("env-home", "config.json")));
        Assert.True(File.Exists(cli.Temp.Combine("opt-home", "config.json")));
    }

    [Fact]
    public async Task Init_WithPasswordFile_UsesThatPasswordForKms()
    {
        using var cli = new CliHarness();
        cli.Write("pw.txt", "my-workspace-password\n");

        Assert.Equal(0, (await cli.RunAsync("init", "--password-file", "pw.txt")).ExitCode);
        CliResult list = await cli.RunAsync("kms", "key", "list", "--kms", "file:.ppml/kms", "--kms-password-file", "pw.txt");
        CliResult decrypted = await cli.RunAsync("password", "decrypt", "--dir", ".ppml/password");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("primary", list.Output, StringComparison.Ordinal);
        Assert.Equal("my-workspace-password", decrypted.Output.TrimEnd('\n'));
    }
}
