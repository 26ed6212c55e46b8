using Ppml.Data;
using Ppml.Kms;
using Ppml.Workloads;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary>A workload session (<see cref="PpmlSession"/>, attested with a KMS server) and its <see cref="PpmlContext"/>, for the data commands.</summary>
internal sealed class DataSession : IAsyncDisposable
{
    private DataSession(PpmlSession session, PpmlContext context)
    {
        Session = session;
        Context = context;
    }

    public PpmlSession Session { get; }

    public IKeyManagementService Kms => Session.Keys;

    public PpmlContext Context { get; }

    public string DefaultKey => Session.DefaultKeyName;

    /// <summary>Opens <paramref name="target"/>'s session and a context whose default key is <paramref name="keyName"/> (--key) or the workspace's.</summary>
    public static async Task<DataSession> OpenAsync(CliContext cli, KmsTarget target, string? keyName, CancellationToken cancellationToken)
    {
        PpmlSession session = await target.OpenSessionAsync(cli, keyName, cancellationToken);
        try
        {
            PpmlContext context = await session.OpenContextAsync(cancellationToken);
            return new DataSession(session, context);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Session.DisposeAsync();
    }
}
