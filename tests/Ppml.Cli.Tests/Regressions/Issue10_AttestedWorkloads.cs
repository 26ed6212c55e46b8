using System.IO.Compression;
using System.Text.Json;
using Ppml.Testing;

namespace Ppml.Cli.Tests.Regressions;

/// <summary>
/// Issue 10: every workload is an attested workload. Against a real KMS server on loopback, with a key whose release
/// policy names the signed ppml, each workload command gets its keys only by attestation; a patched copy of ppml run
/// from another directory, or ppml signed by another key, is refused and writes nothing; the outputs of an attested run
/// do not open with the workload's API key alone.
/// </summary>
public sealed class Issue10_AttestedWorkloads : IClassFixture<InitializedWorkspace>
{
    private static readonly string[] s_mnistFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private readonly InitializedWorkspace _workspace;

    public Issue10_AttestedWorkloads(InitializedWorkspace workspace)
    {
        _workspace = workspace;
    }

    private static string MnistSample => Path.Combine(SharedData.RepositoryRoot, "src", "Ppml.Quickstart", "Resources", "mnist-sample");

    [Fact]
    public async Task Workloads_GuardedKeyOverKmsServer_SucceedAttested_AndOutputsNeedTheOwner()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using Handlers.LoopbackKmsServer server = await Handlers.LoopbackKmsServer.StartAsync(cli);
        string[] workload = await SetUpAsync(cli, server);

        CliResult sql = await cli.RunAsync(["sql", "SELECT city, count(*) AS n FROM p GROUP BY city ORDER BY city", "--table", "p=people.csv.ppml", "--out", "cities.csv", "--encrypt", "--key", "guarded", .. workload]);
        CliResult tpch = await cli.RunAsync(["tpch", "run", "--data", "tpch.enc", "--queries", "1,6", .. workload]);
        CliResult wordcount = await cli.RunAsync(["examples", "wordcount", "--in", "words.txt.ppml", "--key", "guarded", .. workload]);
        CliResult train = await cli.RunAsync(["train", "lenet", "--data", "mnist.enc", "--epochs", "1", "--limit", "256", "--out", "lenet.ppml", "--key", "guarded", .. workload]);
        CliResult evaluate = await cli.RunAsync(["evaluate", "--model", "lenet.ppml", "--data", "mnist.enc", .. workload]);
        CliResult predict = await cli.RunAsync(["predict", "--model", "lenet.ppml", "--image", "digit.raw.ppml", .. workload]);
        CliResult decrypt = await cli.RunAsync(["decrypt", "--in", "cities.csv.ppml", "--out", "cities.csv", .. workload]);
        CliResult workloadKeyAlone = await cli.RunAsync(["decrypt", "--owner", "--in", "lenet.ppml", "--out", "lenet.bin", .. workload]);
        CliResult owner = await cli.RunAsync(["decrypt", "--owner", "--in", "cities.csv.ppml", "--out", "owner-cities.csv", .. server.Options]);

        foreach (CliResult run in new[] { sql, tpch, wordcount, train, evaluate, predict, decrypt })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("Attested (simulation)", run.Error, StringComparison.Ordinal);
            Assert.Contains("SIMULATION", run.Error, StringComparison.Ordinal);
        }

        Assert.Contains("1 finished\n6 finished", tpch.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Top1Accuracy", evaluate.Output, StringComparison.Ordinal);
        Assert.StartsWith("Prediction: ", predict.Output, StringComparison.Ordinal);
        Assert.Equal("city,n\nBerlin,2\nParis,1\n", File.ReadAllText(cli.Temp.Combine("cities.csv")).ReplaceLineEndings("\n"));
        Assert.Equal(1, workloadKeyAlone.ExitCode);
        Assert.Contains("403", workloadKeyAlone.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Temp.Combine("lenet.bin")));
        Assert.True(owner.ExitCode == 0, owner.ToString());
        Assert.Equal(File.ReadAllText(cli.Temp.Combine("cities.csv")), File.ReadAllText(cli.Temp.Combine("owner-cities.csv")));
    }

    [Fact]
    public async Task Workloads_PatchedCopyRunFromAnotherDirectory_RefusedBeforeAttestingAndWriteNothing()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using Handlers.LoopbackKmsServer server = await Handlers.LoopbackKmsServer.StartAsync(cli);
        string[] workload = await SetUpAsync(cli, server);
        using var copy = new TempDirectory();
        string patched = await PatchedCopyAsync(copy.Combine("ppml"), "Ppml.Data.dll");
        cli.ApplicationDirectory = patched;

        foreach (string[] command in WorkloadCommands(workload))
        {
            CliResult refused = await cli.RunAsync(command);

            Assert.True(refused.ExitCode == 1, $"{string.Join(' ', command)}: {refused}");
            Assert.Contains("Ppml.Data.dll", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Attested", refused.Error, StringComparison.Ordinal);
        }

        AssertNoOutputs(cli);
    }

    [Fact]
    public async Task Workloads_SignedByAnotherKey_RefusedByTheKmsNamingTheMeasurementAndWriteNothing()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using Handlers.LoopbackKmsServer server = await Handlers.LoopbackKmsServer.StartAsync(cli);
        string[] workload = await SetUpAsync(cli, server);
        Assert.Equal(0, (await cli.RunAsync("keys", "enclave", "--out", "other-key.pem")).ExitCode);
        CliResult resigned = await cli.RunAsync("enclave", "sign", "--key", "other-key.pem", "--out", Path.Combine(cli.Home, "enclave", "ppml.sig.json"), "--force");
        Assert.True(resigned.ExitCode == 0, resigned.ToString());

        foreach (string[] command in WorkloadCommands(workload))
        {
            CliResult refused = await cli.RunAsync(command);

            Assert.True(refused.ExitCode == 1, $"{string.Join(' ', command)}: {refused}");
            Assert.Contains("(403)", refused.Error, StringComparison.Ordinal);
            Assert.Contains("mr_signer", refused.Error, StringComparison.OrdinalIgnoreCase);
        }

        AssertNoOutputs(cli);
    }

    [Fact]
    public async Task Workloads_SwappedKmsCa_RefusedBeforeConnecting_WhenTheAnchorsAreMeasured()
    {
        using CliHarness cli = _workspace.NewHarness();
        await using Handlers.LoopbackKmsServer server = await Handlers.LoopbackKmsServer.StartAsync(cli);
        string genuineCa = Path.Combine(cli.Home, "tls", "ca.crt");
        CliResult pinned = await cli.RunAsync(
            "enclave", "sign", "--kms-url", server.Server.BaseAddress.ToString(), "--kms-ca", genuineCa, "--out", Path.Combine(cli.Home, "enclave", "ppml.sig.json"), "--force");
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        string[] workload = await SetUpAsync(cli, server);
        cli.Write("pw.txt", "host-password\n");
        Assert.Equal(0, (await cli.RunAsync("keys", "tls", "--out", "host-tls", "--password-file", "pw.txt")).ExitCode);

        // The host swaps the workspace's CA file (what an unmeasured trust anchor would read) and, separately, passes its own.
        File.Copy(cli.Temp.Combine("host-tls", "ca.crt"), genuineCa, overwrite: true);
        CliResult swapped = await cli.RunAsync(["sql", "SELECT count(*) FROM p", "--table", "p=people.csv.ppml", .. workload]);
        CliResult passed = await cli.RunAsync(["sql", "SELECT count(*) FROM p", "--table", "p=people.csv.ppml", "--ca-file", "host-tls/ca.crt", .. workload]);
        CliResult otherUrl = await cli.RunAsync(
            ["sql", "SELECT count(*) FROM p", "--table", "p=people.csv.ppml", "--kms", "https://localhost:" + server.Server.BaseAddress.Port, "--api-key-file", "analytics.apikey"]);

        foreach (CliResult refused in new[] { swapped, passed, otherUrl })
        {
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.DoesNotContain("Attested", refused.Error, StringComparison.Ordinal);
        }

        Assert.Contains("CA", swapped.Error, StringComparison.Ordinal);
        Assert.Contains("localhost", otherUrl.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<string[]> WorkloadCommands(string[] workload) =>
    [
        ["sql", "SELECT count(*) FROM p", "--table", "p=people.csv.ppml", "--out", "count.csv", "--encrypt", "--key", "guarded", .. workload],
        ["tpch", "run", "--data", "tpch.enc", "--queries", "6", "--out", "answers", .. workload],
        ["examples", "wordcount", "--in", "words.txt.ppml", "--out", "counts.csv", "--encrypt", "--key", "guarded", .. workload],
        ["train", "lenet", "--data", "mnist.enc", "--epochs", "1", "--limit", "128", "--out", "lenet.ppml", "--key", "guarded", .. workload],
        ["decrypt", "--in", "people.csv.ppml", "--out", "people-plain.csv", .. workload],
    ];

    private static void AssertNoOutputs(CliHarness cli)
    {
        foreach (string output in new[] { "count.csv.ppml", "count.csv", "answers", "counts.csv.ppml", "counts.csv", "lenet.ppml", "people-plain.csv" })
        {
            Assert.False(File.Exists(cli.Temp.Combine(output)) || Directory.Exists(cli.Temp.Combine(output)), $"{output} was written");
        }

        Assert.Empty(Directory.EnumerateFiles(cli.Temp.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// The admin (the data owner) registers the policies and a guarded key naming the signed ppml, creates the workload's
    /// application and encrypts the inputs; returns the workload's KMS options (its own API key, not the admin's).
    /// </summary>
    private static async Task<string[]> SetUpAsync(CliHarness cli, Handlers.LoopbackKmsServer server)
    {
        using JsonDocument signed = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.Home, "enclave", "ppml.sig.json")));
        string mrEnclave = signed.RootElement.GetProperty("mrEnclave").GetString()!;
        string mrSigner = signed.RootElement.GetProperty("mrSigner").GetString()!;
        cli.Write("appraisal.json", $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}}""");
        cli.Write("release.json", $$$"""{"policyId": "ppml", "allowSimulation": true, "mrEnclave": ["{{{mrEnclave}}}"], "mrSigner": ["{{{mrSigner}}}"]}""");
        cli.Write("people.csv", "name,city\nAda,Berlin\nBob,Paris\nCy,Berlin\n");
        cli.Write("words.txt", "to be or not to be\n");
        Directory.CreateDirectory(cli.Temp.Combine("mnist"));
        foreach (string name in s_mnistFiles)
        {
            File.Copy(Path.Combine(MnistSample, name), cli.Temp.Combine("mnist", name));
        }

        File.WriteAllBytes(cli.Temp.Combine("digit.raw"), FirstTestImage());
        string[] admin = server.Options;
        string[][] setup =
        [
            ["kms", "policy", "set", "ppml", "--file", "appraisal.json", .. admin],
            ["kms", "app", "create", "analytics", "--out", "analytics.apikey", .. admin],
            ["kms", "key", "create", "guarded", "--release-policy", "release.json", "--allow-app", "analytics", .. admin],
            ["encrypt", "--in", "people.csv", "--out", "people.csv.ppml", "--key", "guarded", .. admin],
            ["encrypt", "--in", "words.txt", "--out", "words.txt.ppml", "--key", "guarded", .. admin],
            ["encrypt", "--in", "digit.raw", "--out", "digit.raw.ppml", "--key", "guarded", .. admin],
            ["encrypt", "--in", "mnist", "--out", "mnist.enc", "--key", "guarded", .. admin],
            ["tpch", "gen", "--sf", "0.001", "--out", "tpch.enc", "--encrypt", "--key", "guarded", .. admin],
        ];
        foreach (string[] step in setup)
        {
            CliResult result = await cli.RunAsync(step);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', step)}: {result}");
        }

        return ["--kms", server.Server.BaseAddress.ToString(), "--api-key-file", "analytics.apikey"];
    }

    /// <summary>A copy of the running test application (hard links, so it is cheap) with one byte of <paramref name="file"/> changed.</summary>
    private static async Task<string> PatchedCopyAsync(string destination, string file)
    {
        string source = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        ProcessRunner.Result linked = await ProcessRunner.RunAsync("cp", ["-al", source, destination]);
        Assert.True(linked.ExitCode == 0, linked.Error);

        string patched = Path.Combine(destination, file);
        byte[] bytes = File.ReadAllBytes(patched);
        bytes[bytes.Length / 2] ^= 0x01;
        File.Delete(patched);
        File.WriteAllBytes(patched, bytes);
        return destination;
    }

    private static byte[] FirstTestImage()
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(MnistSample, "t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress);
        byte[] header = new byte[16];
        gzip.ReadExactly(header);
        byte[] image = new byte[784];
        gzip.ReadExactly(image);
        return image;
    }
}
