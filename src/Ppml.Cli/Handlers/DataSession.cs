using Ppml.Cli.Workspace;
using Ppml.Data;
using Ppml.Kms;

namespace Ppml.Cli.Handlers;

/// <summary>A KMS and a <see cref="PpmlContext"/> opened from the workspace (or --kms), for the data commands.</summary>
internal sealed class DataSession : IAsyncDisposable
{
    private DataSession(IKeyManagementService kms, PpmlContext context, string defaultKey)
    {
        Kms = kms;
        Context = context;
        DefaultKey = defaultKey;
    }

    public IKeyManagementService Kms { get; }

    public PpmlContext Context { get; }

    public string DefaultKey { get; }

    /// <summary>Opens <paramref name="target"/>'s KMS and a context whose default key is <paramref name="keyName"/> (--key) or the workspace's.</summary>
    public static async Task<DataSession> OpenAsync(CliContext cli, KmsTarget target, string? keyName, CancellationToken cancellationToken)
    {
        IKeyManagementService kms = await target.OpenAsync(cli, cancellationToken);
        try
        {
            string root = PpmlWorkspace.ResolveRoot(cli, target.Home);
            string tee = cli.GetEnvironmentVariable("PPML_TEE") ?? "simulation";
            string defaultKey = keyName ?? InitHandler.DefaultKeyName;
            if (PpmlWorkspace.Exists(root))
            {
                PpmlWorkspace workspace = await PpmlWorkspace.OpenAsync(root, cancellationToken);
                tee = workspace.Config.Tee;
                defaultKey = keyName ?? workspace.Config.DefaultKey;
            }

            PpmlContext context = await PpmlContext.OpenAsync(kms, new PpmlContextOptions { TeeMode = tee, DefaultKeyName = defaultKey }, cancellationToken);
            return new DataSession(kms, context, defaultKey);
        }
        catch
        {
            kms.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        Kms.Dispose();
    }
}
