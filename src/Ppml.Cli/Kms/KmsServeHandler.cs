using Microsoft.Extensions.Logging;
using Ppml.Core;
using Ppml.Kms.Server;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Kms;

/// <summary><c>ppml kms serve</c>: <see cref="KmsServerHost"/> for the workspace, until cancelled.</summary>
internal sealed class KmsServeHandler(CliContext context)
{
    /// <summary>The <c>simulatedPlatform</c> value of a bare <c>--simulated-platform</c>: the workspace's own platform.</summary>
    public const string WorkspacePlatform = "";

    public async Task<int> RunAsync(
        string? home, string[] urls, string? store, string? secretFile, string? simulatedPlatform, bool intelOnly, string[] collateralFiles, bool durableReadAudits, CancellationToken cancellationToken)
    {
        // Read first: a bad PPML_ENVIRONMENT is an error before anything starts.
        bool production = DeploymentEnvironment.IsProduction(context.GetEnvironmentVariable);
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(PpmlWorkspace.ResolveRoot(context, home), cancellationToken);
        KmsServerHostOptions options = await CreateOptionsAsync(context, workspace, production, urls, PpmlWorkspace.ResolveKmsServerStore(context, home, store), secretFile, simulatedPlatform, intelOnly, collateralFiles, durableReadAudits, cancellationToken);
        await using KmsServerHost host = await StartAsync(options, context.TimeProvider, cancellationToken);
        if (host.Server.GeneratedSecretPath is { } secret)
        {
            await context.Error.WriteLineAsync($"WARNING: generated a new operator secret at {secret}: move it off this disk, or split the root key with 'ppml kms root split'.");
        }

        await context.Output.WriteLineAsync($"KMS server listening on {string.Join(' ', host.Server.Addresses)}");
        await context.Output.WriteLineAsync($"  store: {host.StoreDirectory}   admin API key: {host.Server.AdminKeyPath}   CA: {Path.Combine(workspace.TlsDirectory, "ca.crt")}");
        await context.Output.WriteLineAsync(host.Verifier.AcceptsSimulatedEvidence
            ? $"  attestation: Intel DCAP, and SIMULATED evidence of {host.Verifier.SimulatedPlatformSource} (tokens say tee 'simulation'; not for production)"
            : "  attestation: Intel DCAP (Intel SGX Root CA only)");
        await context.Output.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.TimeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("ppml: stopping the KMS server.");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The options `kms serve` gives <see cref="KmsServerHost"/>: the workspace's keystore, and its simulated platform as the
    /// configured one when its config.json says <c>"tee": "simulation"</c> (never from <c>PPML_TEE</c>, which a host could set).
    /// </summary>
    internal static async Task<KmsServerHostOptions> CreateOptionsAsync(
        CliContext context, PpmlWorkspace workspace, bool production, string[] urls, string store, string? secretFile = null, string? simulatedPlatform = null,
        bool intelOnly = false, string[]? collateralFiles = null, bool durableReadAudits = false, CancellationToken cancellationToken = default) => new()
    {
        Urls = urls,
        StoreDirectory = store,
        SecretFile = secretFile is null ? null : context.ResolvePath(secretFile),
        DurableReadAudits = durableReadAudits,
        KeystorePath = Path.Combine(workspace.TlsDirectory, "keystore.pkcs12"),
        KeystorePassword = await workspace.ReadPasswordAsync(cancellationToken),
        SimulatedPlatformDirectory = simulatedPlatform is null ? null : simulatedPlatform == WorkspacePlatform ? workspace.SimulatedPlatformDirectory : context.ResolvePath(simulatedPlatform),
        ConfiguredSimulatedPlatformDirectory = workspace.IsSimulation ? workspace.SimulatedPlatformDirectory : null,
        IntelOnly = intelOnly,
        CollateralFiles = [.. (collateralFiles ?? []).Select(context.ResolvePath)],
        IsProduction = production,
    };

    private static async Task<KmsServerHost> StartAsync(KmsServerHostOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            // Logs go to stderr; stdout carries only the lines of RunAsync.
            return await KmsServerHost.StartAsync(
                options, logging => logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(console => console.SingleLine = true), timeProvider, cancellationToken);
        }
        catch (KmsServerTrustException exception)
        {
            throw CliException.Usage(exception.Conflict switch
            {
                SimulatedTrustConflict.IntelOnlyAndSimulatedPlatform => "--intel-only and --simulated-platform contradict each other; pass one.",
                SimulatedTrustConflict.ProductionAndSimulatedPlatform => ProductionRefusal("--simulated-platform is given"),
                _ => ProductionRefusal("the workspace's config.json says \"tee\": \"simulation\""),
            });
        }
    }

    private static string ProductionRefusal(string reason) =>
        $"{DeploymentEnvironment.EnvironmentVariable}={DeploymentEnvironment.Production} refuses to trust a simulated platform, but {reason}; drop it (or pass --intel-only), or run outside production.";
}
