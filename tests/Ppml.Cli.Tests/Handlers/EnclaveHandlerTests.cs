using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ppml.Cli.Tests.Handlers;

public class EnclaveHandlerTests
{
    [Fact]
    public async Task SignVerify_WithKmsAnchors_RecordsAndFoldsThem_EditOrOtherCaChangesTheOutcome()
    {
        using var cli = new CliHarness();
        string app = WriteApplication(cli);
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "key.pem")).ExitCode);
        string ca = WriteCertificate(cli, "ca.crt");
        string otherCa = WriteCertificate(cli, "other-ca.crt");
        string[] sign = ["enclave", "sign", "--app", app, "--key", "key.pem", "--kms-url", "https://127.0.0.1:9876"];

        CliResult first = await cli.RunAsync([.. sign, "--kms-ca", ca, "--out", "a.sig.json"]);
        CliResult second = await cli.RunAsync([.. sign, "--kms-ca", otherCa, "--out", "b.sig.json"]);
        CliResult verified = await cli.RunAsync("enclave", "verify", "a.sig.json", "--app", app);
        var edited = JsonNode.Parse(File.ReadAllText(cli.Temp.Combine("a.sig.json")))!;
        edited["kmsUrl"] = "https://127.0.0.1:1/";
        cli.Write("edited.sig.json", edited.ToJsonString());
        CliResult refused = await cli.RunAsync("enclave", "verify", "edited.sig.json", "--app", app);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        string caHash = Convert.ToHexStringLower(SHA256.HashData(X509CertificateLoader.LoadCertificateFromFile(ca).RawData));
        using (JsonDocument signed = JsonDocument.Parse(File.ReadAllText(cli.Temp.Combine("a.sig.json"))))
        {
            Assert.Equal("https://127.0.0.1:9876/", signed.RootElement.GetProperty("kmsUrl").GetString());
            Assert.Equal(caHash, signed.RootElement.GetProperty("kmsCaSha256").GetString());
        }

        Assert.NotEqual(MrEnclave(first.Output), MrEnclave(second.Output));
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains(caHash, verified.Output, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("edited", refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.dll")]
    [InlineData("de/x.resources.dll")]
    public async Task Verify_FileAddedAfterSigning_ExitOneNamingIt(string added)
    {
        using var cli = new CliHarness();
        string app = WriteApplication(cli);
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "key.pem")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("enclave", "sign", "--app", app, "--key", "key.pem", "--out", "app.sig.json")).ExitCode);
        string path = Path.Combine(app, added);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "injected");

        CliResult refused = await cli.RunAsync("enclave", "verify", "app.sig.json", "--app", app);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(path, refused.Error, StringComparison.Ordinal);
        Assert.Contains("Unmeasured file", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CopyWithOneByteChanged_ExitOneNamingIt()
    {
        using var cli = new CliHarness();
        string app = WriteApplication(cli);
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "key.pem")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("enclave", "sign", "--app", app, "--key", "key.pem", "--out", "app.sig.json")).ExitCode);
        string copy = cli.Temp.Combine("copy");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(app))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        byte[] bytes = File.ReadAllBytes(Path.Combine(copy, "work.dll"));
        bytes[0] ^= 0x01;
        File.WriteAllBytes(Path.Combine(copy, "work.dll"), bytes);

        CliResult refused = await cli.RunAsync("enclave", "verify", "app.sig.json", "--app", copy);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(Path.Combine(copy, "work.dll"), refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kms-url", "https://127.0.0.1:9876")]
    [InlineData("--kms-ca", "ca.crt")]
    public async Task Sign_OnlyOneAnchor_ExitTwo(string option, string value)
    {
        using var cli = new CliHarness();
        string app = WriteApplication(cli);
        WriteCertificate(cli, "ca.crt");
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "key.pem")).ExitCode);

        CliResult refused = await cli.RunAsync("enclave", "sign", "--app", app, "--key", "key.pem", option, value, "--out", "app.sig.json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--kms-url and --kms-ca", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("app.sig.json")));
    }

    [Fact]
    public async Task Sign_HttpKmsUrl_ExitTwo()
    {
        using var cli = new CliHarness();
        string app = WriteApplication(cli);
        WriteCertificate(cli, "ca.crt");
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "key.pem")).ExitCode);

        CliResult refused = await cli.RunAsync("enclave", "sign", "--app", app, "--key", "key.pem", "--kms-url", "http://127.0.0.1:9876", "--kms-ca", "ca.crt", "--out", "app.sig.json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("https", refused.Error, StringComparison.Ordinal);
    }

    private static string WriteApplication(CliHarness cli)
    {
        string app = cli.Temp.Combine("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "work.dll"), "the workload");
        File.WriteAllText(Path.Combine(app, "work.pdb"), "its symbols");
        return app;
    }

    private static string WriteCertificate(CliHarness cli, string name)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kms ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        DateTimeOffset notBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using X509Certificate2 certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(1));
        return cli.Write(name, certificate.ExportCertificatePem());
    }

    private static string MrEnclave(string output) =>
        output.Split('\n').Single(l => l.StartsWith("mrenclave ", StringComparison.Ordinal))["mrenclave ".Length..].Trim();
}
