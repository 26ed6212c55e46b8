using Ppml.Crypto.Keys;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml init</c>: creates a workspace (<see cref="WorkspaceInitializer"/>); with --force, moves the old one to backups/ first.</summary>
internal sealed class InitHandler
{
    private readonly CliContext _context;

    public InitHandler(CliContext context)
    {
        _context = context;
    }

    public Task<WorkspaceInitResult> InitializeAsync(string root, bool force, string? passwordFile, CancellationToken cancellationToken) =>
        WorkspaceInitializer.CreateAsync(
            _context,
            root,
            force,
            passwordFile is null ? null : token => PasswordFile.ReadAsync(_context.ResolvePath(passwordFile), _context.Input, token),
            cancellationToken);
}
