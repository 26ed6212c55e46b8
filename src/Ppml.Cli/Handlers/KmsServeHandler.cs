using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Ppml.Core;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms serve</c>: the KMS server with the workspace's TLS certificate, until cancelled.</summary>
internal sealed class KmsServeHandler
{
    public const string StoreDirectoryName = PpmlWorkspace.KmsServerDirectoryName;

    /// <summary>The <c>simulatedPlatform</c> value of a bare <c>--simulated-platform</c>: the workspace's own platform.</summary>
    public const string WorkspacePlatform = "";
    private readonly CliContext _context;

    public KmsServeHandler(CliContext context)
    {
        _context = context;
    }

    public static string ResolveStore(CliContext context, string? home, string? store) =>
        store is not null ? context.ResolvePath(store) : Path.Combine(PpmlWorkspace.ResolveRoot(context, home), StoreDirectoryName);

    public async Task<int> RunAsync(
        string? home, string[] urls, string? store, string? secretFile, CancellationToken cancellationToken, string? simulatedPlatform = null, bool intelOnly = false, string[]? collateralFiles = null, bool durableReadAudits = false)
    {
        // Read first: a bad PPML_ENVIRONMENT is an error before anything starts.
        DeploymentEnvironment.IsProduction(_context.GetEnvironmentVariable);
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(PpmlWorkspace.ResolveRoot(_context, home), cancellationToken);
        DcapEvidenceVerifier verifier = await CreateVerifierAsync(workspace, simulatedPlatform, intelOnly, collateralFiles ?? [], cancellationToken);
        string password = await workspace.ReadPasswordAsync(cancellationToken);
        string keystore = Path.Combine(workspace.TlsDirectory, "keystore.pkcs12");
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(keystore, password, X509KeyStorageFlags.EphemeralKeySet);
        var options = new KmsServerOptions
        {
            Urls = urls.Length > 0 ? [.. urls] : ["https://127.0.0.1:9876"],
            StoreDirectory = ResolveStore(_context, home, store),
            SecretFile = secretFile is null ? null : _context.ResolvePath(secretFile),
            Certificate = certificate,
            DurableReadAudits = durableReadAudits,
        };

        await using KmsServer server = await KmsServer.StartAsync(
            options,
            verifier,
            // Logs go to stderr; stdout carries only the lines below.
            logging => logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(console => console.SingleLine = true),
            _context.TimeProvider,
            cancellationToken);
        if (server.GeneratedSecretPath is { } secret)
        {
            await _context.Error.WriteLineAsync($"WARNING: generated a new operator secret at {secret}: move it off this disk, or split the root key with 'ppml kms root split'.");
        }

        await _context.Output.WriteLineAsync($"KMS server listening on {string.Join(' ', server.Addresses)}");
        await _context.Output.WriteLineAsync($"  store: {options.StoreDirectory}   admin API key: {server.AdminKeyPath}   CA: {Path.Combine(workspace.TlsDirectory, "ca.crt")}");
        await _context.Output.WriteLineAsync(verifier.AcceptsSimulatedEvidence
            ? $"  attestation: Intel DCAP, and SIMULATED evidence of {verifier.SimulatedPlatformSource} (tokens say tee 'simulation'; not for production)"
            : "  attestation: Intel DCAP (Intel SGX Root CA only)");
        await _context.Output.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _context.TimeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _context.Error.WriteLineAsync("ppml: stopping the KMS server.");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The DCAP verifier: the Intel root always; a simulated platform's root only when told explicitly, by
    /// <c>--simulated-platform [DIR]</c> (<see cref="WorkspacePlatform"/>: the workspace's), or by the workspace's own
    /// configuration saying <c>"tee": "simulation"</c>. The server's environment never turns simulation on (it does not
    /// read <c>PPML_TEE</c>: that variable selects the TEE of a workload, and a host could set it), and with
    /// <c>PPML_ENVIRONMENT=production</c> no simulated root is trusted at all.
    /// </summary>
    internal async Task<DcapEvidenceVerifier> CreateVerifierAsync(
        PpmlWorkspace workspace, string? simulatedPlatform, bool intelOnly, string[] collateralFiles, CancellationToken cancellationToken)
    {
        if (intelOnly && simulatedPlatform is not null)
        {
            throw CliException.Usage("--intel-only and --simulated-platform contradict each other; pass one.");
        }

        var seeds = new List<ReadOnlyMemory<byte>>();
        foreach (string file in collateralFiles)
        {
            seeds.Add(await File.ReadAllBytesAsync(_context.ResolvePath(file), cancellationToken));
        }

        bool isProduction = DeploymentEnvironment.IsProduction(_context.GetEnvironmentVariable);
        string? platform = intelOnly
            ? null
            : simulatedPlatform is not null
                ? simulatedPlatform == WorkspacePlatform ? workspace.SimulatedPlatformDirectory : _context.ResolvePath(simulatedPlatform)
                : string.Equals(workspace.Config.Tee, Ppml.Core.TeeKinds.Simulation, StringComparison.Ordinal) && Directory.Exists(workspace.SimulatedPlatformDirectory)
                    ? workspace.SimulatedPlatformDirectory
                    : null;
        if (platform is not null && isProduction)
        {
            string reason = simulatedPlatform is not null ? "--simulated-platform is given" : "the workspace's config.json says \"tee\": \"simulation\"";
            throw CliException.Usage(
                $"{DeploymentEnvironment.EnvironmentVariable}={DeploymentEnvironment.Production} refuses to trust a simulated platform, but {reason}; " +
                "drop it (or pass --intel-only), or run outside production.");
        }

        try
        {
            return platform is null
                ? new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { Collateral = seeds }, _context.TimeProvider)
                : await DcapEvidenceVerifier.ForSimulatedPlatformAsync(platform, _context.TimeProvider, seeds, cancellationToken);
        }
        catch (Ppml.Attestation.AttestationFormatException exception)
        {
            throw CliException.Usage($"The attestation verifier cannot start: {exception.Message}");
        }
    }
}
