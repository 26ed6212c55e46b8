using System.Text.Json;
using Ppml.Crypto.Keys;
using Ppml.Kms;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// The workspace directory (<c>./.ppml</c>, <c>$PPML_HOME</c> or <c>--home</c>): enclave signing key, TLS material,
/// the encrypted workspace password, the local KMS and <c>config.json</c>.
/// </summary>
public sealed class PpmlWorkspace
{
    /// <summary>The key <c>ppml init</c> creates and workloads encrypt outputs under by default.</summary>
    public const string DefaultKeyName = "primary";

    /// <summary>The workspace directory in the working directory when neither --home nor <c>PPML_HOME</c> names one.</summary>
    public const string DefaultDirectoryName = ".ppml";
    /// <summary>The configuration file.</summary>
    public const string ConfigFileName = "config.json";
    /// <summary>The enclave signing key (RSA-3072, e=3).</summary>
    public const string EnclaveKeyFileName = "enclave-key.pem";
    /// <summary>The TLS material (CA, server certificate, keystore).</summary>
    public const string TlsDirectoryName = "tls";
    /// <summary>The workspace password, RSA-OAEP encrypted.</summary>
    public const string PasswordDirectoryName = "password";
    /// <summary>The store of <c>ppml kms serve</c> when --store is not given.</summary>
    public const string KmsServerDirectoryName = "kms-server";
    /// <summary>The embedded KMS store.</summary>
    public const string KmsDirectoryName = "kms";
    /// <summary>Where <c>init --force</c> moves an earlier workspace.</summary>
    public const string BackupsDirectoryName = "backups";
    /// <summary>The simulated platform (simulation workspaces).</summary>
    public const string SimulatedPlatformDirectoryName = "attestation/platform";
    /// <summary>The simulated platform's seal secret.</summary>
    public const string SealSecretFileName = "attestation/seal.secret";
    /// <summary>The signed measurement of ppml.</summary>
    public const string SignedEnclaveFileName = "enclave/ppml.sig.json";

    private PpmlWorkspace(string root, WorkspaceConfig config)
    {
        Root = root;
        Config = config;
    }

    /// <summary>The workspace directory.</summary>
    public string Root { get; }

    /// <summary>The parsed <c>config.json</c>.</summary>
    public WorkspaceConfig Config { get; }

    /// <summary>The TLS directory.</summary>
    public string TlsDirectory => Path.Combine(Root, TlsDirectoryName);

    /// <summary>The password directory.</summary>
    public string PasswordDirectory => Path.Combine(Root, PasswordDirectoryName);

    /// <summary>The enclave signing key.</summary>
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

    /// <summary>
    /// The workspace of an existing-workspace command: <paramref name="home"/> (--home), else <c>$PPML_HOME</c>, else
    /// <c>./.ppml</c> when it holds a workspace, else — outside a TEE — the first <c>.ppml</c> with a <c>config.json</c> in a
    /// parent of the working directory, as git finds a repository. A workspace found in a parent must belong to the
    /// current user (else a <see cref="WorkloadException"/> refuses it) and is announced with one line on
    /// <see cref="IWorkloadHost.Diagnostics"/> (<c>ppml: using workspace PATH</c>). Inside a TEE (SGX or TDX: <c>PPML_TEE</c>,
    /// or the hardware when it is unset) the workspace is a measured input and no parent is searched.
    /// </summary>
    /// <param name="context">The host (working directory, environment, diagnostics).</param>
    /// <param name="home">The workspace directory; <see langword="null"/> for the search above.</param>
    /// <returns>The full path; <c>./.ppml</c> when no workspace was found (the caller reports it missing).</returns>
    /// <exception cref="WorkloadException">The workspace found in a parent belongs to another user.</exception>
    public static string ResolveRoot(IWorkloadHost context, string? home)
    {
        string local = ResolveNewRoot(context, home);
        if (!string.IsNullOrWhiteSpace(home) || !string.IsNullOrWhiteSpace(context.GetEnvironmentVariable(HomeVariable)) || Exists(local))
        {
            return local;
        }

        return WorkspaceDiscovery.FindInParents(context) ?? local;
    }

    /// <summary>
    /// Where a new workspace goes (<c>ppml init</c>): <paramref name="home"/>, else <c>$PPML_HOME</c>, else <c>./.ppml</c>;
    /// never a parent's, as <c>git init</c> creates its repository here.
    /// </summary>
    /// <param name="context">The host (working directory, environment).</param>
    /// <param name="home">The workspace directory; <see langword="null"/> for <c>PPML_HOME</c> or <c>./.ppml</c>.</param>
    /// <returns>The full path.</returns>
    public static string ResolveNewRoot(IWorkloadHost context, string? home)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrWhiteSpace(home))
        {
            return context.ResolvePath(home);
        }

        string? environment = context.GetEnvironmentVariable(HomeVariable);
        return context.ResolvePath(string.IsNullOrWhiteSpace(environment) ? DefaultDirectoryName : environment);
    }

    /// <summary>The variable naming the workspace directory when --home does not.</summary>
    public const string HomeVariable = "PPML_HOME";

    /// <summary>The store of a KMS server: <paramref name="store"/> when given, else <c>kms-server</c> in the workspace of <paramref name="home"/>.</summary>
    /// <param name="context">The host (working directory, <c>PPML_HOME</c>).</param>
    /// <param name="home">The workspace directory; <see langword="null"/> for <c>PPML_HOME</c> or <c>./.ppml</c>.</param>
    /// <param name="store">The store directory; <see langword="null"/> for the workspace's.</param>
    /// <returns>The full path.</returns>
    public static string ResolveKmsServerStore(IWorkloadHost context, string? home, string? store) =>
        store is not null ? context.ResolvePath(store) : Path.Combine(ResolveRoot(context, home), KmsServerDirectoryName);

    /// <summary>Whether <paramref name="root"/> holds a workspace.</summary>
    /// <param name="root">The directory.</param>
    /// <returns><see langword="true"/> when its <c>config.json</c> exists.</returns>
    public static bool Exists(string root) => File.Exists(Path.Combine(root, ConfigFileName));

    /// <summary>Opens the workspace at <paramref name="root"/>, or fails with a message telling how to create one.</summary>
    public static async Task<PpmlWorkspace> OpenAsync(string root, CancellationToken cancellationToken)
    {
        string configPath = Path.Combine(root, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new WorkloadException(isInvalidInput: false, message: 
                $"No PPML workspace at '{root}': run 'ppml init' first, or point --home / PPML_HOME at an existing workspace.");
        }

        WorkspaceConfig? config;
        try
        {
            byte[] json = await File.ReadAllBytesAsync(configPath, cancellationToken).ConfigureAwait(false);
            config = JsonSerializer.Deserialize(json, WorkspaceJsonContext.Default.WorkspaceConfig);
        }
        catch (JsonException exception)
        {
            throw new WorkloadException(isInvalidInput: false, message: $"'{configPath}' is not valid JSON ({exception.Message}); restore it from backups/ or run 'ppml init --force'.");
        }

        if (config is null || config.Format != WorkspaceConfig.CurrentFormat)
        {
            throw new WorkloadException(isInvalidInput: false, message: $"'{configPath}' is not a workspace configuration of format {WorkspaceConfig.CurrentFormat}.");
        }

        return new PpmlWorkspace(root, config);
    }

    /// <summary>A workspace object for a configuration just written.</summary>
    /// <param name="root">The directory.</param>
    /// <param name="config">The configuration.</param>
    /// <returns>The workspace.</returns>
    public static PpmlWorkspace FromConfig(string root, WorkspaceConfig config) => new(root, config);

    /// <summary>The workspace password (decrypted from <c>password/</c>).</summary>
    public Task<string> ReadPasswordAsync(CancellationToken cancellationToken) =>
        PasswordEncryption.DecryptFromDirectoryAsync(PasswordDirectory, cancellationToken);

    /// <summary>A KMS URI with a relative <c>file:</c> path made absolute against the workspace.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The resolved URI.</returns>
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
        IWorkloadHost context, string? home, string? kmsUri, string? passwordFile, CancellationToken cancellationToken, string? apiKeyFile = null, string? caFile = null)
    {
        string root = ResolveRoot(context, home);
        if (kmsUri is not null && kmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (apiKeyFile is null)
            {
                throw new WorkloadException(isInvalidInput: true, message: $"--kms {kmsUri} needs --api-key-file FILE (the server's first start wrote an admin key to STORE/admin.apikey).");
            }

            string apiKey = await PasswordFile.ReadAsync(context.ResolvePath(apiKeyFile), context.Input, PasswordFile.ApiKeyLabel, cancellationToken).ConfigureAwait(false);
            string workspaceCa = Path.Combine(root, TlsDirectoryName, "ca.crt");
            string? ca = caFile is not null ? context.ResolvePath(caFile) : File.Exists(workspaceCa) ? workspaceCa : null;
            return await KmsProvider.OpenAsync(
                kmsUri, new KmsConnectionOptions { ApiKey = apiKey, CaCertificatePath = ca, TimeProvider = context.TimeProvider }, cancellationToken).ConfigureAwait(false);
        }

        PpmlWorkspace? workspace = null;
        if (kmsUri is null || passwordFile is null)
        {
            workspace = await OpenAsync(root, cancellationToken).ConfigureAwait(false);
        }

        string uri = kmsUri is null
            ? workspace!.KmsUri
            : kmsUri.StartsWith("file:", StringComparison.Ordinal) && !kmsUri.StartsWith("file://", StringComparison.Ordinal)
                ? "file:" + context.ResolvePath(kmsUri["file:".Length..])
                : kmsUri;
        string password = passwordFile is null
            ? await workspace!.ReadPasswordAsync(cancellationToken).ConfigureAwait(false)
            : await PasswordFile.ReadAsync(context.ResolvePath(passwordFile), null, cancellationToken).ConfigureAwait(false);
        return await KmsProvider.OpenAsync(uri, password, context.TimeProvider, cancellationToken).ConfigureAwait(false);
    }
}
