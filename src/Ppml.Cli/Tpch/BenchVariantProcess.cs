using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ppml.Core.Diagnostics;
using Ppml.Data.Tpch;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Tpch;

/// <summary>
/// Runs one <c>ppml tpch bench</c> variant in a child process (<c>ppml tpch bench-variant</c>), so that only one database is
/// in memory at a time and each footprint is that variant's alone. Where this process may create a cgroup v2 with the
/// memory controller, the child starts inside a fresh one (a shell moves itself there, then execs ppml) and reports its
/// <c>memory.peak</c>; otherwise the child samples its resident set plus memory files.
/// </summary>
internal sealed class BenchVariantProcess(CliContext context, KmsTarget kms)
{
    private int _runs;

    public async Task<TpchBenchmarkVariantResult> RunAsync(TpchBenchmarkVariantRequest request, CancellationToken cancellationToken)
    {
        int run = Interlocked.Increment(ref _runs);
        using MemoryCgroup? cgroup = MemoryCgroup.TryCreate(string.Create(CultureInfo.InvariantCulture, $"ppml-bench-{Environment.ProcessId}-{run}"));
        List<string> arguments =
        [
            "tpch", "bench-variant", "--variant", request.Variant, "--data", request.DataDirectory, "--queries", string.Join(',', request.Queries),
            "--sf", request.ScaleFactor.ToString("R", CultureInfo.InvariantCulture), "--repeat-index", request.Repeat.ToString(CultureInfo.InvariantCulture),
            "--memory-limit", request.MemoryLimit, .. KmsArguments(),
        ];
        if (cgroup is not null)
        {
            arguments.AddRange(["--cgroup", cgroup.Path]);
        }

        (string executable, string[] prefix) = Launcher();
        var start = new ProcessStartInfo
        {
            FileName = cgroup is null ? executable : "/bin/sh",
            WorkingDirectory = context.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cgroup is not null)
        {
            // The shell joins the cgroup before exec, so everything ppml allocates is charged there from its first page. If the
            // kernel refuses the move, ppml still runs: its monitor sees it is not in the cgroup and samples instead.
            foreach (string argument in (string[])["-c", "{ echo $$ > \"$0\"; } 2>/dev/null; exec \"$@\"", cgroup.ProcessesFile, executable])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (string argument in prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start) ?? throw new TpchBenchmarkException($"Could not start {executable} for the {request.Variant} run.");
        Task<string> output = child.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = child.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        string stdout = await output;
        string stderr = await error;
        if (child.ExitCode != 0)
        {
            string reason = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(l => l.StartsWith("ppml: ", StringComparison.Ordinal)) ?? $"exit code {child.ExitCode}";
            throw new TpchBenchmarkException(string.Create(
                CultureInfo.InvariantCulture, $"The {request.Variant} run of repeat {request.Repeat + 1} (process {child.Id}) failed: {reason["ppml: ".Length..].Replace("error: ", string.Empty, StringComparison.Ordinal)}"));
        }

        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        try
        {
            return (line is null ? null : JsonSerializer.Deserialize(line, CliJsonContext.Default.TpchBenchmarkVariantResult))
                ?? throw new TpchBenchmarkException($"The {request.Variant} run of repeat {request.Repeat + 1} printed no result.");
        }
        catch (JsonException exception)
        {
            throw new TpchBenchmarkException($"The {request.Variant} run of repeat {request.Repeat + 1} printed a result that is not JSON of a variant run: {exception.Message}", exception);
        }
    }

    /// <summary>How to start ppml again: its app host beside ppml.dll, or the dotnet host with ppml.dll.</summary>
    private static (string Executable, string[] Prefix) Launcher()
    {
        string directory = Path.GetDirectoryName(typeof(BenchVariantProcess).Assembly.Location) ?? AppContext.BaseDirectory;
        string host = Path.Combine(directory, OperatingSystem.IsWindows() ? "ppml.exe" : "ppml");
        if (File.Exists(host))
        {
            return (host, []);
        }

        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet");
        return (dotnet, [Path.Combine(directory, "ppml.dll")]);
    }

    /// <summary>The parent's KMS target, with every path absolute (the workspace always named, so PPML_HOME cannot differ).</summary>
    private IEnumerable<string> KmsArguments()
    {
        yield return "--home";
        yield return PpmlWorkspace.ResolveRoot(context, kms.Home);
        if (kms.KmsUri is { } uri)
        {
            yield return "--kms";
            yield return uri.StartsWith("file:", StringComparison.Ordinal) && !uri.StartsWith("file://", StringComparison.Ordinal) ? "file:" + context.ResolvePath(uri["file:".Length..]) : uri;
        }

        foreach ((string option, string? path) in ((string, string?)[])[("--kms-password-file", kms.PasswordFile), ("--api-key-file", kms.ApiKeyFile), ("--ca-file", kms.CaFile)])
        {
            if (path is not null)
            {
                yield return option;
                yield return context.ResolvePath(path);
            }
        }

        if (kms.Policy is { } policy)
        {
            yield return "--policy";
            yield return policy;
        }

        if (kms.AllowPlaintext)
        {
            yield return "--allow-plaintext";
        }
    }
}
