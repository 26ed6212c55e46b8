using System.Diagnostics;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Programs;

/// <summary>
/// Runs the user's own program as a workload, as <c>spark-submit</c> runs a job: <c>dotnet App.dll ARGS</c> with the
/// workload settings in its environment, its output relayed, its exit code returned. The program attests for itself —
/// its own TEE runtime measures its own directory — so the caller vouches for nothing it starts.
/// </summary>
public static class WorkloadProgram
{
    /// <summary>Starts the program, relays its standard output and error, and waits for it.</summary>
    /// <param name="host">The hosting process: its working directory, environment (<c>DOTNET_HOST_PATH</c> names the dotnet to use).</param>
    /// <param name="start">The program, its arguments and its settings.</param>
    /// <param name="output">Where the program's standard output goes.</param>
    /// <param name="error">Where the program's standard error goes.</param>
    /// <param name="cancellationToken">Cancels the wait; the program's process tree is then killed.</param>
    /// <returns>The program's exit code.</returns>
    /// <exception cref="WorkloadException">The program is not an existing <c>.dll</c>, or the workspace does not exist.</exception>
    public static async Task<int> RunAsync(IWorkloadHost host, WorkloadProgramStart start, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string program = host.ResolvePath(start.Program);
        if (!File.Exists(program) || !program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkloadException($"Program '{program}' is not an existing .dll (build it with 'dotnet build' and pass bin/.../App.dll).", isInvalidInput: true);
        }

        KmsTarget target = start.Target;
        string root = PpmlWorkspace.ResolveRoot(host, target.Home);
        if (!PpmlWorkspace.Exists(root))
        {
            throw new WorkloadException($"No PPML workspace at '{root}': run 'ppml init' first, or point --home / PPML_HOME at an existing workspace.");
        }

        string defaultSigned = Path.Combine(root, "enclave", Path.GetFileNameWithoutExtension(program) + ".sig.json");
        string? signature = target.SignedEnclave is not null ? host.ResolvePath(target.SignedEnclave) : File.Exists(defaultSigned) ? defaultSigned : null;
        var info = new ProcessStartInfo(DotnetHost(host), [program, .. start.Arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = host.WorkingDirectory,
        };
        Set(info, "PPML_HOME", root);
        Set(info, KmsTarget.KmsVariable, target.KmsUri);
        Set(info, KmsTarget.ApiKeyFileVariable, target.ApiKeyFile is null ? null : host.ResolvePath(target.ApiKeyFile));
        Set(info, KmsTarget.CaFileVariable, target.CaFile is null ? null : host.ResolvePath(target.CaFile));
        Set(info, KmsTarget.PolicyVariable, target.Policy);
        Set(info, KmsTarget.DefaultKeyVariable, target.DefaultKey);
        Set(info, KmsTarget.SignedEnclaveVariable, signature);

        using Process process = Process.Start(info) ?? throw new WorkloadException($"Could not start '{program}'.");
        Task relayOutput = RelayAsync(process.StandardOutput, output, cancellationToken);
        Task relayError = RelayAsync(process.StandardError, error, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(relayOutput, relayError).ConfigureAwait(false);
        return process.ExitCode;
    }

    // The same dotnet that runs the host (the SDK sets DOTNET_HOST_PATH for tools and tests), else the one on PATH.
    private static string DotnetHost(IWorkloadHost host) =>
        host.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

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
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }
}
