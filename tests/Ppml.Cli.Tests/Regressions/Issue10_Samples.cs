using System.Text.Json;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 10, the user's own program: the samples are built against the packed libraries from a local folder feed (a
/// unique version, so no cache serves a stale package), signed with <c>ppml enclave sign --app</c>, and run attested with
/// <c>ppml submit</c> against a real KMS server; a patched copy of each sample is refused before it attests and writes nothing.
/// </summary>
[Collection(PackingTests.Name)]
public sealed class Issue10_Samples : IClassFixture<InitializedWorkspace>
{
    private static readonly string[] s_packedProjects =
        ["Core", "Crypto", "Attestation", "Attestation.Simulation", "Tee", "Kms", "Data", "Data.Tpch", "Learning", "Workloads"];

    private readonly InitializedWorkspace _workspace;

    public Issue10_Samples(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    [Fact]
    public async Task Samples_BuiltAgainstPackedPackages_RunAttestedThroughSubmit_PatchedCopyRefused()
    {
        using CliHarness cli = _workspace.NewHarness();
        string version = $"0.0.0-test.{Guid.NewGuid():N}";
        string feed = cli.Temp.Combine("feed");
        foreach (string project in s_packedProjects)
        {
            await DotnetAsync("pack", Path.Combine(SharedData.RepositoryRoot, "src", "Ppml." + project), "-c", "Release", "--no-build", "-o", feed, "-p:PackageVersion=" + version, "-nologo");
        }

        CopyDirectory(Path.Combine(SharedData.RepositoryRoot, "samples"), cli.Temp.Combine("samples"));
        cli.Write(Path.Combine("samples", "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="ppml-local" value="{feed}" /></packageSources></configuration>
            """);
        foreach (string sample in new[] { "Hello", "Dot", "SqlJob" })
        {
            await DotnetAsync("build", cli.Temp.Combine("samples", sample), "-c", "Release", "-p:PpmlVersion=" + version, "-o", cli.Temp.Combine("out", sample), "-nologo");
            CliResult signed = await cli.RunAsync("enclave", "sign", "--app", Path.Combine("out", sample), "--out", Path.Combine(cli.Home, "enclave", sample + ".sig.json"));
            Assert.True(signed.ExitCode == 0, signed.ToString());
        }

        await using Handlers.LoopbackKmsServer server = await Handlers.LoopbackKmsServer.StartAsync(cli);
        string[] workload = await GuardAsync(cli, server);

        CliResult hello = await cli.RunAsync(["submit", .. workload, Path.Combine("out", "Hello", "Hello.dll"), "greeting.txt.ppml"]);
        CliResult dot = await cli.RunAsync(["submit", .. workload, Path.Combine("out", "Dot", "Dot.dll"), "matrix.csv.ppml", "gram.csv.ppml"]);
        CliResult sql = await cli.RunAsync(
            ["submit", .. workload, Path.Combine("out", "SqlJob", "SqlJob.dll"), "people.csv.ppml", "SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY city", "cities.csv.ppml"]);
        CliResult gram = await cli.RunAsync(["decrypt", "--owner", "--in", "gram.csv.ppml", "--out", "gram.csv", .. server.Options]);
        CliResult cities = await cli.RunAsync(["decrypt", "--owner", "--in", "cities.csv.ppml", "--out", "cities.csv", .. server.Options]);

        Assert.True(hello.ExitCode == 0, hello.ToString());
        Assert.Contains("running attested (simulation)", hello.Output, StringComparison.Ordinal);
        Assert.Contains("greetings from the data owner", hello.Output, StringComparison.Ordinal);
        Assert.True(dot.ExitCode == 0, dot.ToString());
        Assert.Contains("trace 30", dot.Output, StringComparison.Ordinal);
        Assert.True(sql.ExitCode == 0, sql.ToString());
        Assert.True(gram.ExitCode == 0 && cities.ExitCode == 0, gram + "\n" + cities);
        Assert.Equal("5,11\n11,25\n", File.ReadAllText(cli.Temp.Combine("gram.csv")).ReplaceLineEndings("\n"));
        Assert.Equal("city,n\nBerlin,2\nParis,1\n", File.ReadAllText(cli.Temp.Combine("cities.csv")).ReplaceLineEndings("\n"));

        // A patched copy of each sample, run from another directory under the genuine signature: refused, nothing written.
        string[][] attempts =
        [
            ["Hello", "greeting.txt.ppml"],
            ["Dot", "matrix.csv.ppml", "stolen-gram.csv.ppml"],
            ["SqlJob", "people.csv.ppml", "SELECT 1", "stolen.csv.ppml"],
        ];
        foreach (string[] attempt in attempts)
        {
            string sample = attempt[0];
            string patched = cli.Temp.Combine("patched-" + sample);
            ProcessRunner.Result linked = await ProcessRunner.RunAsync("cp", ["-al", cli.Temp.Combine("out", sample), patched]);
            Assert.True(linked.ExitCode == 0, linked.Error);
            string dll = Path.Combine(patched, "Ppml.Data.dll");
            byte[] bytes = File.ReadAllBytes(dll);
            bytes[bytes.Length / 2] ^= 0x01;
            File.Delete(dll);
            File.WriteAllBytes(dll, bytes);
            CliResult refused = await cli.RunAsync(
                ["submit", .. workload, "--signed", Path.Combine(cli.Home, "enclave", sample + ".sig.json"), Path.Combine("patched-" + sample, sample + ".dll"), .. attempt[1..]]);

            Assert.True(refused.ExitCode == 1, $"{sample}: {refused}");
            Assert.Contains("Ppml.Data.dll", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("greetings from the data owner", refused.Output, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(cli.Temp.Combine("stolen.csv.ppml")));
        Assert.False(File.Exists(cli.Temp.Combine("stolen-gram.csv.ppml")));
    }

    /// <summary>The owner's policies (by signer: every sample is signed with the workspace key), a guarded key, the encrypted inputs.</summary>
    private static async Task<string[]> GuardAsync(CliHarness cli, Handlers.LoopbackKmsServer server)
    {
        using JsonDocument signed = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.Home, "enclave", "SqlJob.sig.json")));
        JsonElement root = signed.RootElement;
        string signer = root.GetProperty("mrSigner").GetString()!;
        cli.Write("appraisal.json", $$$"""{"sgx": {"signers": [{"mrSigner": "{{{signer}}}", "isvProdId": {{{root.GetProperty("isvProdId").GetInt32()}}}, "minIsvSvn": {{{root.GetProperty("isvSvn").GetInt32()}}}}]}}""");
        cli.Write("release.json", $$$"""{"policyId": "apps", "allowSimulation": true, "mrSigner": ["{{{signer}}}"]}""");
        cli.Write("greeting.txt", "greetings from the data owner\n");
        cli.Write("matrix.csv", "1,2\n3,4\n");
        cli.Write("people.csv", "name,city\nAda,Berlin\nBob,Paris\nCy,Berlin\n");
        string[] admin = server.Options;
        string[][] steps =
        [
            ["kms", "policy", "set", "apps", "--file", "appraisal.json", .. admin],
            ["kms", "app", "create", "analytics", "--out", "analytics.apikey", .. admin],
            ["kms", "key", "create", "guarded", "--release-policy", "release.json", "--allow-app", "analytics", .. admin],
            ["encrypt", "--in", "greeting.txt", "--out", "greeting.txt.ppml", "--key", "guarded", .. admin],
            ["encrypt", "--in", "matrix.csv", "--out", "matrix.csv.ppml", "--key", "guarded", .. admin],
            ["encrypt", "--in", "people.csv", "--out", "people.csv.ppml", "--key", "guarded", .. admin],
        ];
        foreach (string[] step in steps)
        {
            CliResult result = await cli.RunAsync(step);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', step)}: {result}");
        }

        return ["--kms", server.Server.BaseAddress.ToString(), "--api-key-file", "analytics.apikey", "--key", "guarded"];
    }

    private static async Task DotnetAsync(params string[] arguments)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync("dotnet", arguments);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {result.Output}\n{result.Error}");
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            string target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
