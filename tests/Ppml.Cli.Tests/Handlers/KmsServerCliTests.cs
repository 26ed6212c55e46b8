using System.Text.Json;

namespace Ppml.Cli.Tests.Handlers;

/// <summary>The CLI against a real KMS server on loopback: data commands under server keys, admin commands, disable, root recovery.</summary>
public sealed class KmsServerCliTests : IClassFixture<InitializedWorkspace>
{
    private readonly InitializedWorkspace _workspace;

    public KmsServerCliTests(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    [Fact]
    public async Task SqlAndExamples_WithAKmsServer_ReadAndWriteUnderServerKeys()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using LoopbackKmsServer server = await LoopbackKmsServer.StartAsync(cli);
        cli.Write("data.csv", "id,v\n" + string.Concat(Enumerable.Range(1, 300).Select(i => $"{i},{i * 2}\n")));
        string[] kms = server.Options;
        await server.RegisterPpmlPolicyAsync(cli);

        // The key has no release policy of its own, so the workloads name the attestation policy they attest under.
        CliResult key = await cli.RunAsync(["kms", "key", "create", "shared", .. kms]);
        CliResult encrypted = await cli.RunAsync(["encrypt", "--in", "data.csv", "--out", "data.csv.ppml", "--key", "shared", .. kms]);
        CliResult query = await cli.RunAsync(
            ["sql", "SELECT count(*) AS n, sum(v) AS total FROM t", "--table", "t=data.csv.ppml", "--require-encrypted", "--policy", "ppml", .. kms]);
        CliResult written = await cli.RunAsync(
            ["sql", "SELECT id FROM t WHERE id <= 3 ORDER BY id", "--table", "t=data.csv.ppml", "--out", "ids.csv", "--encrypt", "--key", "shared", "--policy", "ppml", .. kms]);
        CliResult decrypted = await cli.RunAsync(["decrypt", "--in", "ids.csv.ppml", "--out", "ids.csv", "--policy", "ppml", .. kms]);
        CliResult pi = await cli.RunAsync(["examples", "pi", "--samples", "1000", "--key", "shared", "--policy", "ppml", .. kms]);
        CliResult noPolicy = await cli.RunAsync(["decrypt", "--in", "ids.csv.ppml", "--out", "ids-again.csv", .. kms]);
        CliResult withoutApiKey = await cli.RunAsync("sql", "SELECT 1", "--kms", server.Options[1]);

        Assert.True(key.ExitCode == 0, key.ToString());
        Assert.True(encrypted.ExitCode == 0, encrypted.ToString());
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Contains("|300|90300|", query.Output, StringComparison.Ordinal);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("encrypted with key 'shared'", written.Output, StringComparison.Ordinal);
        Assert.True(decrypted.ExitCode == 0, decrypted.ToString());
        Assert.Equal("id\n1\n2\n3\n", File.ReadAllText(cli.Temp.Combine("ids.csv")).ReplaceLineEndings("\n"));
        Assert.True(pi.ExitCode == 0, pi.ToString());
        Assert.StartsWith("Pi is roughly 3.", pi.Output, StringComparison.Ordinal);
        Assert.Equal(2, noPolicy.ExitCode);
        Assert.Contains("pass --policy ID", noPolicy.Error, StringComparison.Ordinal);
        Assert.Equal(2, withoutApiKey.ExitCode);
        Assert.Contains("needs --api-key-file", withoutApiKey.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsAdmin_ApplicationsAndPolicies_ListedAsTextAndJson()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using LoopbackKmsServer server = await LoopbackKmsServer.StartAsync(cli);
        cli.Write("appraisal.json", """{"allowedTcbStatuses": ["UpToDate"]}""");
        string[] kms = server.Options;

        CliResult app = await cli.RunAsync(["kms", "app", "create", "analytics", "--out", "analytics.apikey", .. kms]);
        CliResult policy = await cli.RunAsync(["kms", "policy", "set", "sgx-prod", "--file", "appraisal.json", "--description", "production enclaves", .. kms]);
        CliResult apps = await cli.RunAsync(["kms", "app", "list", .. kms]);
        CliResult appsJson = await cli.RunAsync(["kms", "app", "list", "--json", .. kms]);
        CliResult policies = await cli.RunAsync(["kms", "policy", "list", .. kms]);
        CliResult policiesJson = await cli.RunAsync(["kms", "policy", "list", "--json", .. kms]);
        CliResult fileKms = await cli.RunAsync("kms", "app", "list");

        Assert.True(app.ExitCode == 0, app.ToString());
        Assert.True(policy.ExitCode == 0, policy.ToString());
        Assert.Equal("Policy 'sgx-prod' set (version 1)\n", policy.Output);
        Assert.True(apps.ExitCode == 0, apps.ToString());
        string[] appLines = apps.Output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("ID ", appLines[0], StringComparison.Ordinal);
        Assert.Contains(appLines, line => line.StartsWith("analytics ", StringComparison.Ordinal) && line.Contains(" app ", StringComparison.Ordinal));
        using (JsonDocument json = JsonDocument.Parse(appsJson.Output))
        {
            Assert.Contains(json.RootElement.EnumerateArray(), a => a.GetProperty("id").GetString() == "analytics");
        }

        Assert.Equal(2, policies.Output.TrimEnd('\n').Split('\n').Length);
        Assert.Matches(@"^sgx-prod +1  production enclaves$", policies.Output.TrimEnd('\n').Split('\n')[1]);
        using (JsonDocument json = JsonDocument.Parse(policiesJson.Output))
        {
            Assert.Equal("sgx-prod", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("id").GetString());
        }

        Assert.Equal(2, fileKms.ExitCode);
        Assert.Contains("talks to a KMS server", fileKms.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsKeyDisable_NoMoreUnwraps_AndFileKmsRefused()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using LoopbackKmsServer server = await LoopbackKmsServer.StartAsync(cli);
        cli.Write("a.txt", "secret text");
        string[] kms = server.Options;

        Assert.Equal(0, (await cli.RunAsync(["kms", "key", "create", "retiring", .. kms])).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(["encrypt", "--in", "a.txt", "--out", "a.txt.ppml", "--key", "retiring", .. kms])).ExitCode);
        CliResult disabled = await cli.RunAsync(["kms", "key", "disable", "retiring", "--json", .. kms]);
        CliResult decrypt = await cli.RunAsync(["decrypt", "--owner", "--in", "a.txt.ppml", "--out", "a.out", .. kms]);
        CliResult fileKms = await cli.RunAsync("kms", "key", "disable", "primary");

        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        using (JsonDocument json = JsonDocument.Parse(disabled.Output))
        {
            Assert.Equal("retiring", json.RootElement.GetProperty("name").GetString());
        }

        Assert.Equal(1, decrypt.ExitCode);
        Assert.Contains("retiring", decrypt.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("a.out")));
        Assert.Equal(2, fileKms.ExitCode);
        Assert.Contains("talks to a KMS server", fileKms.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsRootSplitRecover_OwnerOnlyShareFiles_RecoverUnderANewSecret()
    {
        using CliHarness cli = _workspace.NewHarness();
        await (await LoopbackKmsServer.StartAsync(cli)).DisposeAsync();

        CliResult split = await cli.RunAsync("kms", "root", "split", "--store", "store", "--threshold", "2", "--shares", "3", "--out", "shares");
        CliResult tooFew = await cli.RunAsync("kms", "root", "recover", "--store", "store", "--share", "shares/share-2.txt", "--secret-file", "new.secret");
        CliResult recover = await cli.RunAsync(
            "kms", "root", "recover", "--store", "store", "--share", "shares/share-1.txt", "--share", "shares/share-3.txt", "--secret-file", "new.secret");

        Assert.True(split.ExitCode == 0, split.ToString());
        Assert.Contains("Wrote 3 shares", split.Output, StringComparison.Ordinal);
        Assert.Equal(["share-1.txt", "share-2.txt", "share-3.txt"], Directory.GetFiles(cli.Temp.Combine("shares")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.Temp.Combine("shares", "share-1.txt")));
        }

        Assert.Equal(1, tooFew.ExitCode);
        Assert.Contains("1 share(s) given; this split needs 2", tooFew.Error, StringComparison.Ordinal);
        Assert.True(recover.ExitCode == 0, recover.ToString());
        Assert.Contains("a NEW operator secret generated at", recover.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(cli.Temp.Combine("new.secret")));
    }
}
