using Ppml.Testing;

namespace Ppml.Cli.Tests;

/// <summary>Runs the real command tree in-process with captured output and a private working directory.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);

    public CliHarness()
    {
        Temp = new TempDirectory();
    }

    public TempDirectory Temp { get; }

    /// <summary>What commands wrote to binary standard output (<c>--out -</c>).</summary>
    public MemoryStream StandardOutput { get; } = new();

    public string Home => Temp.Combine(".ppml");

    public void SetEnvironment(string name, string? value) => _environment[name] = value;

    /// <summary>The application directory the TEE runtime measures (null: the test's own binaries).</summary>
    public string? ApplicationDirectory { get; set; }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = error,
            WorkingDirectory = Temp.Path,
            GetEnvironmentVariable = name => _environment.TryGetValue(name, out string? value) ? value : null,
            ApplicationDirectory = ApplicationDirectory,
            OpenStandardOutput = () => StandardOutput,
        };
        int exitCode = await PpmlCommand.RunAsync(args, context, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public string Write(string relativePath, string content)
    {
        string path = Temp.Combine(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);

        // Owner-only, as a user keeps a password or API key file: the secret-file rule refuses anything more open
        // (issue 11, item 17); tests of that rule set other modes themselves.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, Ppml.Core.IO.SecretFiles.FileMode);
        }

        return path;
    }

    public void Dispose() => Temp.Dispose();
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}
