using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Ppml.Cli.Workspace;
using Ppml.Kms.Server;

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

    public async Task<int> RunAsync(string? home, string[] urls, string? store, string? secretFile, CancellationToken cancellationToken)
    {
        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(PpmlWorkspace.ResolveRoot(_context, home), cancellationToken);
        string password = await workspace.ReadPasswordAsync(cancellationToken);
        string keystore = Path.Combine(workspace.TlsDirectory, "keystore.pkcs12");
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(keystore, password, X509KeyStorageFlags.EphemeralKeySet);
        var options = new KmsServerOptions
        {
            Urls = urls.Length > 0 ? [.. urls] : ["https://127.0.0.1:9876"],
            StoreDirectory = ResolveStore(_context, home, store),
            SecretFile = secretFile is null ? null : _context.ResolvePath(secretFile),
            Certificate = certificate,
        };

        await using KmsServer server = await KmsServer.StartAsync(
            options,
            verifier: null,
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
}
