using Ppml.Cli.Attest;
using Ppml.Attestation.Simulation;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Handlers;

/// <summary><c>ppml attest sim-platform</c>: create and save a simulated SGX/TDX platform.</summary>
internal sealed class AttestSimPlatformHandler
{
    /// <summary>Where the simulated platform lives inside a workspace when no directory is given (<c>ppml init</c> creates it).</summary>
    public const string DefaultDirectoryName = PpmlWorkspace.SimulatedPlatformDirectoryName;

    private readonly CliContext _context;

    public AttestSimPlatformHandler(CliContext context)
    {
        _context = context;
    }

    public static string DefaultDirectory(CliContext context, string? home) =>
        Path.Combine(PpmlWorkspace.ResolveRoot(context, home), DefaultDirectoryName);

    public async Task<int> RunAsync(string? output, string? home, bool force, CancellationToken cancellationToken)
    {
        string directory = output is null ? DefaultDirectory(_context, home) : _context.ResolvePath(output);
        if (File.Exists(Path.Combine(directory, SimulatedPlatformFiles.Platform)) && !force)
        {
            throw CliException.Usage($"A simulated platform already exists in '{directory}'; pass --force to replace it (its keys are overwritten).");
        }

        string summary = await SimulatedPlatformCommand.RunAsync(directory, options: null, _context.TimeProvider, cancellationToken);
        await _context.Output.WriteAsync(summary);
        return ExitCodes.Success;
    }
}
