using Ppml.Core;
using Ppml.Cli.Kms;
using Ppml.Kms.Server;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tests.Handlers;

/// <summary>A KMS server on 127.0.0.1 with the workspace's TLS certificate and the verifier `ppml kms serve` builds for it.</summary>
internal sealed class LoopbackKmsServer : IAsyncDisposable
{
    private readonly KmsServerHost _host;

    private LoopbackKmsServer(KmsServerHost host)
    {
        _host = host;
    }

    public KmsServer Server => _host.Server;

    /// <summary>The CLI options that reach the server as its admin: --kms URL --api-key-file FILE.</summary>
    public string[] Options => ["--kms", Server.BaseAddress.ToString(), "--api-key-file", Server.AdminKeyPath];

    /// <summary>
    /// Starts the server `ppml kms serve` would run for the workspace in <paramref name="cli"/>'s home
    /// (<see cref="KmsServeHandler.CreateOptionsAsync"/>), its store in TEMP/store, in <paramref name="environment"/> (default: empty).
    /// </summary>
    public static async Task<LoopbackKmsServer> StartAsync(CliHarness cli, Func<string, string?>? environment = null)
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(cli.Home, token);
        var context = new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = cli.Temp.Path, GetEnvironmentVariable = environment ?? (_ => null) };
        KmsServerHostOptions options = await KmsServeHandler.CreateOptionsAsync(
            context, workspace, DeploymentEnvironment.IsProduction(context.GetEnvironmentVariable), ["https://127.0.0.1:0"], cli.Temp.Combine("store"), cancellationToken: token);
        return new LoopbackKmsServer(await KmsServerHost.StartAsync(options, cancellationToken: token));
    }

    /// <summary>
    /// Registers attestation policy <c>ppml</c>, admitting the workspace's signed ppml by MRENCLAVE (simulated quotes are
    /// accepted by this server), so workloads can attest with <c>--policy ppml</c>.
    /// </summary>
    public async Task RegisterPpmlPolicyAsync(CliHarness cli)
    {
        using var signed = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cli.Home, "enclave", "ppml.sig.json"), TestContext.Current.CancellationToken));
        string mrEnclave = signed.RootElement.GetProperty("mrEnclave").GetString()!;
        cli.Write("ppml-appraisal.json", $$$"""{"sgx": {"mrEnclave": ["{{{mrEnclave}}}"]}}""");
        CliResult set = await cli.RunAsync(["kms", "policy", "set", "ppml", "--file", "ppml-appraisal.json", .. Options]);
        Assert.True(set.ExitCode == 0, set.ToString());
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
