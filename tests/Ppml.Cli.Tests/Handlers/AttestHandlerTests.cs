using System.Text.Json;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Handlers;

public class AttestHandlerTests
{
    private static string Vector(string relative) => SharedData.PathOf(["testdata", "attestation", .. relative.Split('/')]);

    [Fact]
    public async Task Verify_RealSgxQuoteWithBundle_PrintsVerdictAndExitsZero()
    {
        using var cli = new CliHarness();

        CliResult text = await cli.RunAsync(
            "attest", "verify", Vector("phala-dcap-qvl/sgx_quote.bin"), "--collateral", Vector("phala-dcap-qvl/sgx_quote_collateral.json"), "--at", "2025-07-19T10:01:17Z");
        CliResult json = await cli.RunAsync(
            "attest", "verify", Vector("phala-dcap-qvl/sgx_quote.bin"), "--collateral", Vector("phala-dcap-qvl/sgx_quote_collateral.json"), "--at", "1752919277", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("ConfigurationAndSWHardeningNeeded", text.Output, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        Assert.True(document.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("INTEL-SA-00289", document.RootElement.GetProperty("advisoryIds")[0].GetString());
    }

    [Fact]
    public async Task Verify_TamperedQuote_ExitsOneWithIntelsCode()
    {
        using var cli = new CliHarness();

        CliResult result = await cli.RunAsync(
            "attest", "verify", Vector("derived-invalid/phala_tdx_quote_flip_mrtd.bin"),
            "--collateral", Vector("phala-dcap-qvl/tdx_quote_collateral.json"), "--at", "2025-07-19T10:00:34Z", "--json");

        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("STATUS_INVALID_QUOTE_SIGNATURE", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task SimPlatformThenQuoteThenVerify_AcceptedOnlyWithTheSimulatedRoot()
    {
        using var cli = new CliHarness();
        cli.Write("policy.json", """{"sgx": {"signers": [{"mrSigner": "aa00000000000000000000000000000000000000000000000000000000000000", "isvProdId": 0}]}, "reportData": "c0ffee", "requireRevocationCheck": true}""");

        CliResult platform = await cli.RunAsync("attest", "sim-platform", "--out", "sim");
        CliResult again = await cli.RunAsync("attest", "sim-platform", "--out", "sim");
        CliResult quote = await cli.RunAsync(
            "attest", "quote", "--platform", "sim", "--report-data", "c0ffee", "--out", "quote.bin", "--mr-signer", "aa" + new string('0', 62));
        CliResult accepted = await cli.RunAsync(
            "attest", "verify", "quote.bin", "--root", "sim/root-ca.pem", "--collateral", "sim/collateral-sgx.json", "--policy", "policy.json");
        CliResult separateFiles = await cli.RunAsync(
            "attest", "verify", "quote.bin", "--root", "sim/root-ca.pem", "--tcb-info", "sim/tcbinfo-sgx.json", "--qe-identity", "sim/qe-identity.json",
            "--tcb-signing-chain", "sim/tcb-signing-chain.pem", "--root-crl", "sim/root-ca.crl", "--pck-crl", "sim/pck-ca.crl", "--strict", "--json");
        CliResult untrusted = await cli.RunAsync("attest", "verify", "quote.bin", "--collateral", "sim/collateral-sgx.json", "--json");

        Assert.True(platform.ExitCode == 0, platform.ToString());
        Assert.Contains("NOT an Intel TEE", platform.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        Assert.True(quote.ExitCode == 0, quote.ToString());
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("policy:             accepted", accepted.Output, StringComparison.Ordinal);
        Assert.True(separateFiles.ExitCode == 0, separateFiles.ToString());
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED", untrusted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuoteTdx_FromWorkspace_QuotesTheSignedEnclaveAndVerifies()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);

        CliResult quote = await cli.RunAsync("attest", "quote", "--tee", "tdx", "--report-data", "01", "--out", "td.quote");
        CliResult verify = await cli.RunAsync(
            "attest", "verify", "td.quote", "--root", Path.Combine(cli.Home, "attestation", "platform", "root-ca.pem"),
            "--collateral", Path.Combine(cli.Home, "attestation", "platform", "collateral-tdx.json"), "--json");

        Assert.True(quote.ExitCode == 0, quote.ToString());
        Assert.Contains("simulated TDX quote v4", quote.Output, StringComparison.Ordinal);
        Assert.Contains("SIMULATION", quote.Error, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Tee.Measurement.SignedEnclave signed = await Tee.Measurement.EnclaveSigner.LoadAsync(Path.Combine(cli.Home, "enclave", "ppml.sig.json"), TestContext.Current.CancellationToken);
        Tee.Measurement.EnclaveIdentity identity = await Tee.Measurement.EnclaveSigner.VerifyAsync(signed, cancellationToken: TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(verify.Output);
        Assert.Equal(Convert.ToHexStringLower(Workloads.Simulation.SimulatedEvidenceProvider.SimulatedMrTd(identity)), document.RootElement.GetProperty("mrTd").GetString());
    }

    [Fact]
    public async Task QuoteSgx_FromWorkspace_CarriesTheMeasuredPpmlEnclave_AndSimPlatformKeepsWorking()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        string signed = File.ReadAllText(Path.Combine(cli.Home, "enclave", "ppml.sig.json"));
        using var enclave = JsonDocument.Parse(signed);

        CliResult quote = await cli.RunAsync("attest", "quote", "--report-data", "c0ffee", "--out", "q.bin");
        CliResult verify = await cli.RunAsync(
            "attest", "verify", "q.bin", "--root", Path.Combine(cli.Home, "attestation", "platform", "root-ca.pem"),
            "--collateral", Path.Combine(cli.Home, "attestation", "platform", "collateral-sgx.json"), "--json");
        CliResult existing = await cli.RunAsync("attest", "sim-platform");
        CliResult another = await cli.RunAsync("attest", "sim-platform", "--out", "other-platform");

        Assert.True(quote.ExitCode == 0, quote.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        using var result = JsonDocument.Parse(verify.Output);
        Assert.Equal(enclave.RootElement.GetProperty("mrEnclave").GetString(), result.RootElement.GetProperty("mrEnclave").GetString());
        Assert.Equal(enclave.RootElement.GetProperty("mrSigner").GetString(), result.RootElement.GetProperty("mrSigner").GetString());
        Assert.StartsWith("c0ffee00", result.RootElement.GetProperty("reportData").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, existing.ExitCode);
        Assert.Contains("--force", existing.Error, StringComparison.Ordinal);
        Assert.True(another.ExitCode == 0, another.ToString());
    }

    [Fact]
    public async Task Quote_SignatureOfAnotherApplication_RefusedBecauseTheRunningPpmlIsMeasured()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        string app = cli.Temp.Combine("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "work.dll"), "the workload");
        cli.Write("app.manifest.json", """{"name": "work", "isvProdId": 2, "isvSvn": 1, "baseDirectory": "app"}""");
        Assert.Equal(0, (await cli.RunAsync("enclave", "sign", "--manifest", "app.manifest.json", "--out", "work.sig.json")).ExitCode);

        // The signed document names 'app', but the process that would quote is ppml: its own files are measured.
        CliResult refused = await cli.RunAsync("attest", "quote", "--enclave", "work.sig.json", "--report-data", "00", "--out", "q.bin");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(AppContext.BaseDirectory, refused.Error, StringComparison.Ordinal);
        Assert.Contains("Refusing to produce evidence", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("q.bin")));
    }

    [Fact]
    public async Task Quote_WorkspaceSignatureOfAnotherPpmlBuild_RefusesAndSaysHowToResign()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        string signedPath = Path.Combine(cli.Home, "enclave", "ppml.sig.json");
        var signed = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(signedPath))!;
        string original = signed["baseDirectory"]!.GetValue<string>();
        string build = cli.Temp.Combine("other-ppml-build");
        foreach (System.Text.Json.Nodes.JsonNode? file in signed["files"]!.AsArray())
        {
            string relative = file!["path"]!.GetValue<string>();
            if (relative.StartsWith("runtime:", StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(build, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.CreateSymbolicLink(target, Path.Combine(original, relative));
        }

        File.Delete(Path.Combine(build, "ppml.dll"));
        File.WriteAllText(Path.Combine(build, "ppml.dll"), "another ppml build");
        Assert.Equal(0, (await cli.RunAsync("enclave", "sign", "--app", build, "--out", signedPath, "--force")).ExitCode);

        // The workspace now vouches for another build; the ppml that runs is this one, so its ppml.dll differs.
        CliResult refused = await cli.RunAsync("attest", "quote", "--report-data", "00", "--out", "q.bin");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "ppml.dll"), refused.Error, StringComparison.Ordinal);
        Assert.Contains("ppml enclave sign --out", refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DOTNET_STARTUP_HOOKS", "/tmp/Hook.dll")]
    [InlineData("LD_PRELOAD", "/tmp/libevil.so")]
    [InlineData("CORECLR_ENABLE_PROFILING", "1")]
    public async Task Quote_CodeInjectionVariable_RefusedNamingIt(string variable, string value)
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        cli.SetEnvironment(variable, value);

        CliResult refused = await cli.RunAsync("attest", "quote", "--report-data", "00", "--out", "q.bin");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(variable, refused.Error, StringComparison.Ordinal);
        Assert.Contains("unset it", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("q.bin")));
    }

    [Theory]
    [InlineData("PPML_ENVIRONMENT", " production")]
    [InlineData("PPML_ENVIRONMENT", "production ")]
    [InlineData("PPML_ENVIRONMENT", "prod")]
    [InlineData("PPML_TEE", " simulation")]
    public async Task Quote_SettingNearMiss_ExitTwoOneLine_NeverSimulation(string variable, string value)
    {
        using var cli = new CliHarness();
        Assert.Equal(0, (await cli.RunAsync("init")).ExitCode);
        cli.SetEnvironment(variable, value);

        CliResult refused = await cli.RunAsync("attest", "quote", "--report-data", "00", "--out", "q.bin");

        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith($"ppml: error: {variable} is '{value}'", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(cli.Temp.Combine("q.bin")));
    }

    [Fact]
    public async Task InputErrors_ExitTwoWithAMessage()
    {
        using var cli = new CliHarness();

        CliResult missingQuote = await cli.RunAsync("attest", "verify", "nope.bin");
        CliResult badTime = await cli.RunAsync("attest", "verify", Vector("phala-dcap-qvl/sgx_quote.bin"), "--at", "soon");
        CliResult noPlatform = await cli.RunAsync("attest", "quote", "--platform", "nowhere", "--report-data", "00", "--out", "q.bin");
        CliResult badTee = await cli.RunAsync("attest", "quote", "--report-data", "00", "--out", "q.bin", "--tee", "sev");

        Assert.Equal(2, missingQuote.ExitCode);
        Assert.Contains("nope.bin", missingQuote.Error, StringComparison.Ordinal);
        Assert.Equal(2, badTime.ExitCode);
        Assert.Contains("soon", badTime.Error, StringComparison.Ordinal);
        Assert.Equal(2, noPlatform.ExitCode);
        Assert.Contains("ppml attest sim-platform", noPlatform.Error, StringComparison.Ordinal);
        Assert.Equal(2, badTee.ExitCode);
        CliResult noWorkspace = await cli.RunAsync("attest", "quote", "--report-data", "00", "--out", "q.bin");
        Assert.Equal(2, noWorkspace.ExitCode);
        Assert.Contains("ppml init", noWorkspace.Error, StringComparison.Ordinal);
    }
}
