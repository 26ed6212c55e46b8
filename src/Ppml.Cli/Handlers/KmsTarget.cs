using Ppml.Cli.Workspace;
using Ppml.Kms;
using Ppml.Kms.Remote;

namespace Ppml.Cli.Handlers;

/// <summary>
/// Which KMS a command talks to: the workspace's store (default), a <c>file:</c> store (<see cref="PasswordFile"/>
/// or the workspace password), or a KMS server (<c>https://</c>, with <see cref="ApiKeyFile"/> and optionally
/// <see cref="CaFile"/>).
/// </summary>
internal sealed record KmsTarget(string? Home, string? KmsUri = null, string? PasswordFile = null, string? ApiKeyFile = null, string? CaFile = null)
{
    public Task<IKeyManagementService> OpenAsync(CliContext context, CancellationToken cancellationToken) =>
        PpmlWorkspace.OpenKmsAsync(context, Home, KmsUri, PasswordFile, cancellationToken, ApiKeyFile, CaFile);

    /// <summary>The https:// client, for commands only a KMS server offers.</summary>
    public async Task<KmsClient> OpenRemoteAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (KmsUri is null || !KmsUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.Usage("This command talks to a KMS server: pass --kms https://HOST:PORT and --api-key-file FILE.");
        }

        return (KmsClient)await OpenAsync(context, cancellationToken);
    }

    /// <summary>
    /// The primary key to encrypt with: <paramref name="keyName"/> (--key), else the workspace's default key, else
    /// <c>primary</c> when --kms names a KMS and there is no workspace.
    /// </summary>
    public async Task<string> ResolveKeyNameAsync(CliContext context, string? keyName, CancellationToken cancellationToken)
    {
        if (keyName is not null)
        {
            return keyName;
        }

        string root = PpmlWorkspace.ResolveRoot(context, Home);
        if (KmsUri is not null && !PpmlWorkspace.Exists(root))
        {
            return InitHandler.DefaultKeyName;
        }

        PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(root, cancellationToken);
        return workspace.Config.DefaultKey;
    }
}
