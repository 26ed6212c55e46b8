using Ppml.Kms;
using Ppml.Kms.Remote;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// Which KMS a command talks to: the workspace's store (default), a <c>file:</c> store (<see cref="PasswordFile"/>
/// or the workspace password), or a KMS server (<c>https://</c>, with <see cref="ApiKeyFile"/> and optionally
/// <see cref="CaFile"/>). Workload commands also carry the attestation policy and whether plaintext inputs are allowed.
/// </summary>
/// <param name="Home">The workspace directory (--home); <see langword="null"/> for <c>PPML_HOME</c> or <c>./.ppml</c>.</param>
/// <param name="KmsUri">The KMS (--kms); <see langword="null"/> for the workspace's.</param>
/// <param name="PasswordFile">The password file of a <c>file:</c> KMS; <see langword="null"/> for the workspace password.</param>
/// <param name="ApiKeyFile">The API key file for a KMS server.</param>
/// <param name="CaFile">The KMS server's CA (PEM); <see langword="null"/> for the workspace's <c>tls/ca.crt</c>.</param>
/// <param name="Policy">The attestation policy to attest under; <see langword="null"/> for the key's release policy's.</param>
/// <param name="AllowPlaintext">Whether an attested workload may read inputs that are not containers.</param>
/// <param name="DefaultKey">The key outputs are encrypted under when a write names none; <see langword="null"/> for the workspace's.</param>
/// <param name="SignedEnclave">
/// The signed measurement of the running application (<c>ppml enclave sign --app DIR</c>); <see langword="null"/> for the
/// workspace's signature of ppml itself.
/// </param>
public sealed record KmsTarget(
    string? Home, string? KmsUri = null, string? PasswordFile = null, string? ApiKeyFile = null, string? CaFile = null, string? Policy = null, bool AllowPlaintext = false, string? SignedEnclave = null, string? DefaultKey = null)
{
    /// <summary>The variable <c>ppml submit</c> sets to the KMS URI (<see cref="KmsUri"/>).</summary>
    public const string KmsVariable = "PPML_KMS";

    /// <summary>The variable <c>ppml submit</c> sets to the API key file (<see cref="ApiKeyFile"/>).</summary>
    public const string ApiKeyFileVariable = "PPML_API_KEY_FILE";

    /// <summary>The variable <c>ppml submit</c> sets to the KMS CA file (<see cref="CaFile"/>).</summary>
    public const string CaFileVariable = "PPML_CA_FILE";

    /// <summary>The variable <c>ppml submit</c> sets to the attestation policy (<see cref="Policy"/>).</summary>
    public const string PolicyVariable = "PPML_POLICY";

    /// <summary>The variable <c>ppml submit</c> sets to the default key of outputs (<see cref="DefaultKey"/>).</summary>
    public const string DefaultKeyVariable = "PPML_KEY";

    /// <summary>The variable <c>ppml submit</c> sets to the application's signed measurement (<see cref="SignedEnclave"/>).</summary>
    public const string SignedEnclaveVariable = "PPML_SIGNED_ENCLAVE";

    /// <summary>Whether the KMS is a server (<c>https://</c>), where workloads attest and administration happens.</summary>
    public bool IsKmsServer => KmsUri is not null && KmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The target a submitted program was given by <c>ppml submit</c> (or by hand): the workspace from <c>PPML_HOME</c>, and
    /// <c>PPML_KMS</c>, <c>PPML_API_KEY_FILE</c>, <c>PPML_CA_FILE</c>, <c>PPML_POLICY</c>, <c>PPML_KEY</c>, <c>PPML_SIGNED_ENCLAVE</c>. None of
    /// them widens what is trusted: the CA and URL must match the measured anchors where there are any, and the signed
    /// measurement only names what the runtime measures for itself.
    /// </summary>
    /// <param name="host">The hosting process.</param>
    /// <returns>The target.</returns>
    public static KmsTarget FromEnvironment(IWorkloadHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string? Read(string name) => host.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
        return new KmsTarget(
            Home: null, KmsUri: Read(KmsVariable), ApiKeyFile: Read(ApiKeyFileVariable), CaFile: Read(CaFileVariable), Policy: Read(PolicyVariable), SignedEnclave: Read(SignedEnclaveVariable), DefaultKey: Read(DefaultKeyVariable));
    }

    /// <summary>The plain key service, for the data owner's and the administrator's commands (no attestation).</summary>
    /// <param name="context">The host.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key service; dispose it.</returns>
    public Task<IKeyManagementService> OpenAsync(IWorkloadHost context, CancellationToken cancellationToken) =>
        PpmlWorkspace.OpenKmsAsync(context, Home, KmsUri, PasswordFile, cancellationToken, ApiKeyFile, CaFile);

    /// <summary>
    /// The workload session: with a KMS server it attests (the workspace's TEE runtime) and accepts only released keys;
    /// with <paramref name="attestation"/> <see cref="SessionAttestation.Owner"/> it is the data owner's plain path.
    /// </summary>
    public async Task<PpmlSession> OpenSessionAsync(
        IWorkloadHost context, string? keyName, CancellationToken cancellationToken, SessionAttestation attestation = SessionAttestation.Auto)
    {
        string root = PpmlWorkspace.ResolveRoot(context, Home);
        PpmlWorkspace? workspace = PpmlWorkspace.Exists(root) ? await PpmlWorkspace.OpenAsync(root, cancellationToken).ConfigureAwait(false) : null;
        bool server = KmsUri is not null && KmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        string? password = null;
        string? apiKey = null;
        string? ca = null;
        string uri;
        if (server)
        {
            if (ApiKeyFile is null)
            {
                throw new WorkloadException(isInvalidInput: true, message: $"--kms {KmsUri} needs --api-key-file FILE (the application's API key; the server's first start wrote an admin key to STORE/admin.apikey).");
            }

            uri = KmsUri!;
            apiKey = await Crypto.Keys.PasswordFile.ReadAsync(context.ResolvePath(ApiKeyFile), context.Input, Crypto.Keys.PasswordFile.ApiKeyLabel, cancellationToken).ConfigureAwait(false);
            string? workspaceCa = workspace is null ? null : Path.Combine(workspace.TlsDirectory, "ca.crt");
            ca = CaFile is not null ? context.ResolvePath(CaFile) : File.Exists(workspaceCa) ? workspaceCa : null;
        }
        else
        {
            if (KmsUri is null && workspace is null)
            {
                throw new WorkloadException(isInvalidInput: false, message: 
                    $"No PPML workspace at '{root}': run 'ppml init' first, or point --home / PPML_HOME at an existing workspace.");
            }

            uri = KmsUri is null
                ? workspace!.KmsUri
                : KmsUri.StartsWith("file:", StringComparison.Ordinal) && !KmsUri.StartsWith("file://", StringComparison.Ordinal)
                    ? "file:" + context.ResolvePath(KmsUri["file:".Length..])
                    : KmsUri;
            password = PasswordFile is not null
                ? await Crypto.Keys.PasswordFile.ReadAsync(context.ResolvePath(PasswordFile), null, cancellationToken).ConfigureAwait(false)
                : workspace is not null
                    ? await workspace.ReadPasswordAsync(cancellationToken).ConfigureAwait(false)
                    : throw new WorkloadException(isInvalidInput: true, message: $"--kms {KmsUri} needs --kms-password-file FILE (there is no workspace to take the password from).");
        }

        var options = new PpmlSessionOptions
        {
            KmsUri = uri,
            KmsPassword = password,
            ApiKey = apiKey,
            CaCertificatePath = ca,
            DefaultKeyName = keyName ?? DefaultKey ?? workspace?.Config.DefaultKey ?? PpmlWorkspace.DefaultKeyName,
            Attestation = attestation,
            AttestationPolicyId = Policy,
            AllowPlaintextInputs = AllowPlaintext,
            Diagnostics = context.Diagnostics,
            TimeProvider = context.TimeProvider,
            CreateTeeRuntimeAsync = workspace is null
                ? null
                : token => WorkspaceTee.CreateAsync(context, workspace, token, signedEnclavePath: SignedEnclave is null ? null : context.ResolvePath(SignedEnclave)),
        };
        if (server && attestation == SessionAttestation.Auto && workspace is null)
        {
            throw new WorkloadException(isInvalidInput: false, message: 
                $"This workload attests to KMS {KmsUri}, which needs the TEE runtime of a workspace, and there is none at '{root}': run 'ppml init', or point --home / PPML_HOME at a workspace.");
        }

        return await PpmlSession.OpenAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The https:// client, for commands only a KMS server offers.</summary>
    public async Task<KmsClient> OpenRemoteAsync(IWorkloadHost context, CancellationToken cancellationToken)
    {
        if (KmsUri is null || !KmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkloadException(isInvalidInput: true, message: "This command talks to a KMS server: pass --kms https://HOST:PORT and --api-key-file FILE.");
        }

        return (KmsClient)await OpenAsync(context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The primary key to encrypt with: <paramref name="keyName"/> (--key), else the workspace's default key, else
    /// <c>primary</c> when --kms names a KMS and there is no workspace.
    /// </summary>
    public async Task<string> ResolveKeyNameAsync(IWorkloadHost context, string? keyName, CancellationToken cancellationToken)
    {
        if (keyName is not null)
        {
            return keyName;
        }

        string root = PpmlWorkspace.ResolveRoot(context, Home);
        if (KmsUri is not null && !PpmlWorkspace.Exists(root))
        {
            return PpmlWorkspace.DefaultKeyName;
        }

        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(root, cancellationToken).ConfigureAwait(false);
        return workspace.Config.DefaultKey;
    }
}
