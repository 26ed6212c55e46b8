using System.Globalization;
using System.Text;
using Ppml.Core.IO;
using Ppml.Workloads.Workspace;
using Ppml.Kms.Server.Recovery;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml kms root split|recover</c>.</summary>
internal sealed class KmsRootHandler
{
    private readonly CliContext _context;

    public KmsRootHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> SplitAsync(string? home, string? store, string? secretFile, int threshold, int shares, string output, CancellationToken cancellationToken)
    {
        string directory = store is not null ? _context.ResolvePath(store) : Path.Combine(PpmlWorkspace.ResolveRoot(_context, home), PpmlWorkspace.KmsServerDirectoryName);
        IReadOnlyList<string> split = await RootKeyRecovery.SplitAsync(directory, secretFile is null ? null : _context.ResolvePath(secretFile), threshold, shares, cancellationToken);
        string outputDirectory = _context.ResolvePath(output);
        for (int i = 0; i < split.Count; i++)
        {
            string path = Path.Combine(outputDirectory, string.Create(CultureInfo.InvariantCulture, $"share-{i + 1}.txt"));
            await AtomicFile.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(split[i] + "\n"), overwrite: false, AtomicFile.OwnerOnly, cancellationToken);
        }

        await _context.Output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"Wrote {split.Count} shares to {outputDirectory}; any {threshold} recover the root key. Give each to a different custodian and delete them here."));
        return ExitCodes.Success;
    }

    public async Task<int> RecoverAsync(string? home, string? store, string[] shareFiles, string secretFile, CancellationToken cancellationToken)
    {
        var shares = new List<string>();
        foreach (string file in shareFiles)
        {
            shares.Add(await File.ReadAllTextAsync(_context.ResolvePath(file), cancellationToken));
        }

        string directory = store is not null ? _context.ResolvePath(store) : Path.Combine(PpmlWorkspace.ResolveRoot(_context, home), PpmlWorkspace.KmsServerDirectoryName);
        string secretPath = _context.ResolvePath(secretFile);
        bool generated = await RootKeyRecovery.RecoverAsync(directory, shares, secretPath, cancellationToken);
        await _context.Output.WriteLineAsync(
            $"Recovered the root key of {directory} and sealed it under {(generated ? "a NEW operator secret generated at " : "the secret in ")}{secretPath}; start the server with --secret-file {secretPath}.");
        return ExitCodes.Success;
    }
}
