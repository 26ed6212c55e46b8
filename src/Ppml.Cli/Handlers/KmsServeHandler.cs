using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Ppml.Cli.Workspace;
using Ppml.Kms.Server;
using Ppml.Kms.Server.Attestation;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms serve</c>: the KMS server with the workspace's TLS certificate, until cancelled.</summary>
internal sealed class KmsServeHandler
{
    public const string StoreDirectoryName = "kms-server";
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
    /// The DCAP verifier: the Intel root always; a simulated platform's root only when given with
    /// <c>--simulated-platform</c>, or by default the workspace's own when the workspace runs in simulation mode.
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

        string mode = _context.GetEnvironmentVariable(Ppml.Tee.TeeDetector.EnvironmentVariable) is { Length: > 0 } requested ? requested : workspace.Config.Tee;
        string? platform = intelOnly
            ? null
            : simulatedPlatform is not null
                ? _context.ResolvePath(simulatedPlatform)
                : string.Equals(mode.Trim(), "simulation", StringComparison.OrdinalIgnoreCase) && Directory.Exists(workspace.SimulatedPlatformDirectory)
                    ? workspace.SimulatedPlatformDirectory
                    : null;
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
