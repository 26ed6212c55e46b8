using System.Text.Json;
using Ppml.Crypto.Keys;
using Ppml.Kms;

namespace Ppml.Cli.Workspace;

/// <summary>
/// The workspace directory (<c>./.ppml</c>, <c>$PPML_HOME</c> or <c>--home</c>): enclave signing key, TLS material,
/// the encrypted workspace password, the local KMS and <c>config.json</c>.
/// </summary>
internal sealed class PpmlWorkspace
{
    public const string DefaultDirectoryName = ".ppml";
    public const string ConfigFileName = "config.json";
    public const string EnclaveKeyFileName = "enclave-key.pem";
    public const string TlsDirectoryName = "tls";
    public const string PasswordDirectoryName = "password";
    public const string KmsDirectoryName = "kms";
    public const string BackupsDirectoryName = "backups";
    public const string SimulatedPlatformDirectoryName = "attestation/platform";
    public const string SealSecretFileName = "attestation/seal.secret";
    public const string SignedEnclaveFileName = "enclave/ppml.sig.json";

    private PpmlWorkspace(string root, WorkspaceConfig config)
    {
        Root = root;
        Config = config;
    }

    public string Root { get; }

    public WorkspaceConfig Config { get; }

    public string TlsDirectory => Path.Combine(Root, TlsDirectoryName);

    public string PasswordDirectory => Path.Combine(Root, PasswordDirectoryName);

    public string EnclaveKeyPath => Path.Combine(Root, EnclaveKeyFileName);

    /// <summary>The simulated SGX/TDX platform <c>ppml init</c> creates in simulation mode.</summary>
    public string SimulatedPlatformDirectory => Path.Combine(Root, SimulatedPlatformDirectoryName);

    /// <summary>The simulated platform's seal secret (mode 0600).</summary>
    public string SealSecretPath => Path.Combine(Root, SealSecretFileName);

    /// <summary>The signed measurement of the ppml application (<c>ppml enclave sign</c> at init).</summary>
    public string SignedEnclavePath => Path.Combine(Root, SignedEnclaveFileName);

    /// <summary>Whether the workspace runs in simulation mode (its configuration; <c>PPML_TEE</c> may still override at run time).</summary>
    public bool IsSimulation => Config.Tee == Ppml.Core.TeeKinds.Simulation;

    /// <summary>The default KMS URI with a relative <c>file:</c> path made absolute.</summary>
    public string KmsUri => ResolveKmsUri(Config.Kms);

    /// <summary>The workspace root for <paramref name="home"/> (option), else $PPML_HOME, else ./.ppml.</summary>
    public static string ResolveRoot(CliContext context, string? home)
    {
        if (!string.IsNullOrWhiteSpace(home))
        {
            return context.ResolvePath(home);
        }

        string? environment = context.GetEnvironmentVariable("PPML_HOME");
        return context.ResolvePath(string.IsNullOrWhiteSpace(environment) ? DefaultDirectoryName : environment);
    }

    public static bool Exists(string root) => File.Exists(Path.Combine(root, ConfigFileName));

    /// <summary>Opens the workspace at <paramref name="root"/>, or fails with a message telling how to create one.</summary>
    public static async Task<PpmlWorkspace> OpenAsync(string root, CancellationToken cancellationToken)
    {
        string configPath = Path.Combine(root, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw CliException.Failure(
                $"No PPML workspace at '{root}': run 'ppml init' first, or point --home / PPML_HOME at an existing workspace.");
        }

        WorkspaceConfig? config;
        try
        {
            byte[] json = await File.ReadAllBytesAsync(configPath, cancellationToken);
            config = JsonSerializer.Deserialize(json, WorkspaceJsonContext.Default.WorkspaceConfig);
        }
        catch (JsonException exception)
        {
            throw CliException.Failure($"'{configPath}' is not valid JSON ({exception.Message}); restore it from backups/ or run 'ppml init --force'.");
        }

        if (config is null || config.Format != WorkspaceConfig.CurrentFormat)
        {
            throw CliException.Failure($"'{configPath}' is not a workspace configuration of format {WorkspaceConfig.CurrentFormat}.");
        }

        return new PpmlWorkspace(root, config);
    }

    public static PpmlWorkspace FromConfig(string root, WorkspaceConfig config) => new(root, config);

    /// <summary>The workspace password (decrypted from <c>password/</c>).</summary>
    public Task<string> ReadPasswordAsync(CancellationToken cancellationToken) =>
        PasswordEncryption.DecryptFromDirectoryAsync(PasswordDirectory, cancellationToken);

    public string ResolveKmsUri(string uri)
    {
        if (uri.StartsWith("file:", StringComparison.Ordinal) && !uri.StartsWith("file://", StringComparison.Ordinal))
        {
            string path = uri["file:".Length..];
            return "file:" + Path.GetFullPath(path, Root);
        }

        return uri;
    }

    /// <summary>
    /// Opens the KMS named by <paramref name="kmsUri"/> (default: the workspace's). The password comes from
    /// <paramref name="passwordFile"/> when given, else from the workspace.
    /// </summary>
    public static async Task<IKeyManagementService> OpenKmsAsync(
        CliContext context, string? home, string? kmsUri, string? passwordFile, CancellationToken cancellationToken, string? apiKeyFile = null, string? caFile = null)
    {
        string root = ResolveRoot(context, home);
        if (kmsUri is not null && kmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (apiKeyFile is null)
            {
                throw CliException.Usage($"--kms {kmsUri} needs --api-key-file FILE (the server's first start wrote an admin key to STORE/{Ppml.Kms.Server.KmsServerFiles.AdminKeyFileName}).");
            }

            string apiKey = await PasswordFile.ReadAsync(context.ResolvePath(apiKeyFile), context.Input, cancellationToken);
            string workspaceCa = Path.Combine(root, TlsDirectoryName, "ca.crt");
            string? ca = caFile is not null ? context.ResolvePath(caFile) : File.Exists(workspaceCa) ? workspaceCa : null;
            return await KmsProvider.OpenAsync(
                kmsUri, new KmsConnectionOptions { ApiKey = apiKey, CaCertificatePath = ca, TimeProvider = context.TimeProvider }, cancellationToken);
        }

        PpmlWorkspace? workspace = null;
        if (kmsUri is null || passwordFile is null)
        {
            workspace = await OpenAsync(root, cancellationToken);
        }

        string uri = kmsUri is null
            ? workspace!.KmsUri
            : kmsUri.StartsWith("file:", StringComparison.Ordinal) && !kmsUri.StartsWith("file://", StringComparison.Ordinal)
                ? "file:" + context.ResolvePath(kmsUri["file:".Length..])
                : kmsUri;
        string password = passwordFile is null
            ? await workspace!.ReadPasswordAsync(cancellationToken)
            : await PasswordFile.ReadAsync(context.ResolvePath(passwordFile), null, cancellationToken);
        return await KmsProvider.OpenAsync(uri, password, context.TimeProvider, cancellationToken);
    }
}
