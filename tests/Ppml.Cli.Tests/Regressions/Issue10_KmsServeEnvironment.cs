using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ppml.Attestation.Simulation;
using Ppml.Cli.Tests.Handlers;
using Ppml.Kms;
using Ppml.Kms.Release;
using Ppml.Kms.Remote;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 10: `ppml kms serve` trusts a simulated platform only when told explicitly (--simulated-platform, or the
/// workspace's own "tee": "simulation"); PPML_TEE in the server's environment never turns it on, and
/// PPML_ENVIRONMENT=production refuses any simulated root (a near miss of the value is an error, not development).
/// </summary>
public sealed class Issue10_KmsServeEnvironment : IClassFixture<InitializedWorkspace>
{
    private static readonly byte[] s_mrEnclave = SHA256.HashData("the workload"u8);
    private readonly InitializedWorkspace _workspace;

    public Issue10_KmsServeEnvironment(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KmsServe_PpmlTeeSimulationOverSgxWorkspace_RefusesSimulatedQuote()
    {
        using CliHarness sgx = _workspace.NewHarness();
        SetWorkspaceTee(sgx, "sgx");
        using CliHarness simulation = _workspace.NewHarness();
        Func<string, string?> hostEnvironment = name => name == "PPML_TEE" ? "simulation" : null;

        KmsException refused = await Assert.ThrowsAsync<KmsException>(() => AttestSimulatedQuoteAsync(sgx, hostEnvironment));
        // The same quote against a workspace that says "simulation" itself is accepted: the refusal above is the rule.
        string token = await AttestSimulatedQuoteAsync(simulation, hostEnvironment);

        Assert.Equal(KmsErrorCode.Forbidden, refused.Code);
        Assert.Equal(3, token.Split('.').Length);
    }

    [Fact(Timeout = 120_000)]
    public async Task KmsServe_ProductionWithSimulatedPlatform_Exit2NamingTheSetting()
    {
        using CliHarness cli = _workspace.NewHarness();
        cli.SetEnvironment("PPML_ENVIRONMENT", "production");

        CliResult explicitPlatform = await cli.RunAsync("kms", "serve", "--simulated-platform", "--urls", "https://127.0.0.1:0", "--store", "store");
        CliResult simulationWorkspace = await cli.RunAsync("kms", "serve", "--urls", "https://127.0.0.1:0", "--store", "store");

        Assert.True(explicitPlatform.ExitCode == 2, explicitPlatform.ToString());
        Assert.Contains("PPML_ENVIRONMENT=production", explicitPlatform.Error, StringComparison.Ordinal);
        Assert.Contains("--simulated-platform", explicitPlatform.Error, StringComparison.Ordinal);
        Assert.Single(explicitPlatform.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("listening", explicitPlatform.Output, StringComparison.Ordinal);
        Assert.True(simulationWorkspace.ExitCode == 2, simulationWorkspace.ToString());
        Assert.Contains("PPML_ENVIRONMENT=production", simulationWorkspace.Error, StringComparison.Ordinal);
        Assert.Contains("\"tee\": \"simulation\"", simulationWorkspace.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", simulationWorkspace.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Temp.Combine("store")));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(" production")]
    [InlineData("Production")]
    [InlineData("")]
    public async Task KmsServe_InvalidPpmlEnvironment_Exit2_NeverARunningServer(string value)
    {
        using CliHarness cli = _workspace.NewHarness();
        SetWorkspaceTee(cli, "sgx");
        cli.SetEnvironment("PPML_ENVIRONMENT", value);

        CliResult result = await cli.RunAsync("kms", "serve", "--intel-only", "--urls", "https://127.0.0.1:0", "--store", "store");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("PPML_ENVIRONMENT", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("listening", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Temp.Combine("store")));
    }

    private static void SetWorkspaceTee(CliHarness cli, string tee)
    {
        string path = Path.Combine(cli.Home, PpmlWorkspace.ConfigFileName);
        string config = File.ReadAllText(path);
        Assert.Contains("\"tee\": \"simulation\"", config, StringComparison.Ordinal);
        File.WriteAllText(path, config.Replace("\"tee\": \"simulation\"", $"\"tee\": \"{tee}\"", StringComparison.Ordinal));
    }

    /// <summary>Starts the server `kms serve` would run in <paramref name="environment"/> and attests a quote of the workspace's simulated platform.</summary>
    private static async Task<string> AttestSimulatedQuoteAsync(CliHarness cli, Func<string, string?> environment)
    {
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(cli.Home, Token);
        await using LoopbackKmsServer server = await LoopbackKmsServer.StartAsync(cli, environment);
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(workspace.TlsDirectory, "ca.crt"));
        using var admin = new KmsClient(server.Server.BaseAddress, File.ReadAllText(server.Server.AdminKeyPath).Trim(), ca);
        using (JsonDocument policy = JsonDocument.Parse($$$"""{"sgx": {"mrEnclave": ["{{{Convert.ToHexStringLower(s_mrEnclave)}}}"]}}"""))
        {
            await admin.SetPolicyAsync("p", new SetPolicyRequest { Policy = policy.RootElement.Clone() }, Token);
        }

        using SimulatedPlatform platform = await SimulatedPlatform.LoadAsync(workspace.SimulatedPlatformDirectory, Token);
        using ECDiffieHellman runtime = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        RuntimeKey key = RuntimeKey.FromKey(runtime);
        byte[] quote = platform.CreateSgxQuote(key.ToReportData(), s_mrEnclave, SHA256.HashData("signer"u8), isvProdId: 1, isvSvn: 1);
        AttestResponse response = await admin.AttestAsync(new AttestRequest { PolicyId = "p", Evidence = quote, RuntimeKey = key.SubjectPublicKeyInfo.ToArray() }, Token);
        return response.Token;
    }
}
