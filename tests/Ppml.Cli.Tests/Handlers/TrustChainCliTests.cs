using System.Text.Json;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tests.Handlers;

/// <summary>`ppml decrypt --attest` against a real KMS server on loopback (the verifier rules: Ppml.Kms.Server.Tests' KmsServerHostTests).</summary>
public sealed class TrustChainCliTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public TrustChainCliTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DecryptAttest_KeyReleasedOnlyToTheAttestedPpmlEnclave()
    {
        using var cli = new CliHarness();
        _workspace.CopyTo(cli.Home);
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(cli.Home, Token);
        await using LoopbackKmsServer server = await LoopbackKmsServer.StartAsync(cli);
        using JsonDocument signed = JsonDocument.Parse(File.ReadAllText(workspace.SignedEnclavePath));
        string mrEnclave = signed.RootElement.GetProperty("mrEnclave").GetString()!;
        string mrSigner = signed.RootElement.GetProperty("mrSigner").GetString()!;
        cli.Write("appraisal.json", $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}}""");
        cli.Write("release.json", $$$"""{"policyId": "ppml", "allowSimulation": true, "mrEnclave": ["{{{mrEnclave}}}"], "mrSigner": ["{{{mrSigner}}}"]}""");
        cli.Write("data.csv", string.Concat(Enumerable.Range(0, 500).Select(i => $"{i},secret-{i}\n")));
        string[] kms = server.Options;

        CliResult policy = await cli.RunAsync(["kms", "policy", "set", "ppml", "--file", "appraisal.json", .. kms]);
        CliResult key = await cli.RunAsync(["kms", "key", "create", "guarded", "--release-policy", "release.json", .. kms]);
        CliResult encrypted = await cli.RunAsync(["encrypt", "--in", "data.csv", "--out", "data.csv.ppml", "--key", "guarded", .. kms]);
        CliResult app = await cli.RunAsync(["kms", "app", "create", "workload", "--out", "workload.apikey", .. kms]);

        // The workload's API key alone (not admin, not one of the key's readers) gets nothing; the data owner (admin) reads.
        string[] workload = ["--kms", kms[1], "--api-key-file", "workload.apikey"];
        CliResult withoutAttestation = await cli.RunAsync(["decrypt", "--owner", "--in", "data.csv.ppml", "--out", "plain.csv", .. workload]);
        CliResult attested = await cli.RunAsync(["decrypt", "--in", "data.csv.ppml", "--out", "plain.csv", "--attest", .. workload]);
        CliResult wrongPolicy = await cli.RunAsync(["decrypt", "--in", "data.csv.ppml", "--out", "again.csv", "--attest", "--policy", "nope", .. workload]);
        CliResult owner = await cli.RunAsync(["decrypt", "--owner", "--in", "data.csv.ppml", "--out", "owner.csv", .. kms]);

        Assert.True(policy.ExitCode == 0, policy.ToString());
        Assert.True(key.ExitCode == 0, key.ToString());
        Assert.True(encrypted.ExitCode == 0, encrypted.ToString());
        Assert.Equal(1, withoutAttestation.ExitCode);
        Assert.Contains("attestationToken", withoutAttestation.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("plain.csv.tmp")));
        Assert.True(attested.ExitCode == 0, attested.ToString());
        Assert.Contains("Attested (simulation) to KMS ", attested.Error, StringComparison.Ordinal);
        Assert.Contains("under policy 'ppml'", attested.Error, StringComparison.Ordinal);
        Assert.Contains("SIMULATION", attested.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(cli.Temp.Combine("data.csv")), File.ReadAllBytes(cli.Temp.Combine("plain.csv")));
        Assert.Equal(1, wrongPolicy.ExitCode);
        Assert.Contains("'nope' does not exist", wrongPolicy.Error, StringComparison.Ordinal);
        Assert.True(app.ExitCode == 0, app.ToString());
        Assert.True(owner.ExitCode == 0, owner.ToString());
        Assert.Equal(File.ReadAllBytes(cli.Temp.Combine("data.csv")), File.ReadAllBytes(cli.Temp.Combine("owner.csv")));
    }

    [Fact]
    public async Task DecryptAttest_FileKms_IsAUsageError()
    {
        using var cli = new CliHarness();
        _workspace.CopyTo(cli.Home);
        cli.Write("a.txt", "x");
        Assert.Equal(0, (await cli.RunAsync("encrypt", "--in", "a.txt", "--out", "a.txt.ppml")).ExitCode);

        CliResult result = await cli.RunAsync("decrypt", "--in", "a.txt.ppml", "--out", "a.out", "--attest");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--attest needs a KMS server", result.Error, StringComparison.Ordinal);
    }
}
