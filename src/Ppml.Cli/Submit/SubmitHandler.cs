using System.Diagnostics;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Submit;

/// <summary>
/// Starts <c>dotnet App.dll ARGS</c> with the workload settings in its environment (<see cref="KmsTarget.FromEnvironment"/>
/// reads them), relays its output and returns its exit code. The program attests for itself: its own TEE runtime measures
/// its own directory, so ppml vouches for nothing it runs.
/// </summary>
internal sealed class SubmitHandler
{
    private readonly CliContext _context;

    public SubmitHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(string application, IReadOnlyList<string> arguments, string? signed, KmsTarget target, CancellationToken cancellationToken)
    {
        string program = _context.ResolvePath(application);
        if (!File.Exists(program) || !program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.Usage($"Program '{program}' is not an existing .dll (build it with 'dotnet build' and pass bin/.../App.dll).");
        }

        string root = PpmlWorkspace.ResolveRoot(_context, target.Home);
        if (!PpmlWorkspace.Exists(root))
        {
            throw CliException.Failure($"No PPML workspace at '{root}': run 'ppml init' first, or point --home / PPML_HOME at an existing workspace.");
        }

        string defaultSigned = Path.Combine(root, "enclave", Path.GetFileNameWithoutExtension(program) + ".sig.json");
        string? signature = signed is not null ? _context.ResolvePath(signed) : File.Exists(defaultSigned) ? defaultSigned : null;
        var start = new ProcessStartInfo(DotnetHost(), [program, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _context.WorkingDirectory,
        };
        Set(start, "PPML_HOME", root);
        Set(start, KmsTarget.KmsVariable, target.KmsUri);
        Set(start, KmsTarget.ApiKeyFileVariable, target.ApiKeyFile is null ? null : _context.ResolvePath(target.ApiKeyFile));
        Set(start, KmsTarget.CaFileVariable, target.CaFile is null ? null : _context.ResolvePath(target.CaFile));
        Set(start, KmsTarget.PolicyVariable, target.Policy);
        Set(start, KmsTarget.DefaultKeyVariable, target.DefaultKey);
        Set(start, KmsTarget.SignedEnclaveVariable, signature);

        using Process process = Process.Start(start) ?? throw CliException.Failure($"Could not start '{program}'.");
        Task output = RelayAsync(process.StandardOutput, _context.Output, cancellationToken);
        Task error = RelayAsync(process.StandardError, _context.Error, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(output, error);
        return process.ExitCode;
    }

    // The same dotnet that runs ppml (the SDK sets DOTNET_HOST_PATH for tools and tests), else the one on PATH.
    private string DotnetHost() =>
        _context.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Set(ProcessStartInfo start, string name, string? value)
    {
        if (value is null)
        {
            start.Environment.Remove(name);
        }
        else
        {
            start.Environment[name] = value;
        }
    }

    private static async Task RelayAsync(StreamReader from, TextWriter to, CancellationToken cancellationToken)
    {
        char[] buffer = new char[4096];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
