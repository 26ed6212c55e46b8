namespace Ppml.Cli;

/// <summary>Everything a command touches outside its arguments, injectable for tests.</summary>
internal sealed class CliContext : Ppml.Workloads.IWorkloadHost
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    TextWriter Ppml.Workloads.IWorkloadHost.Diagnostics => Error;

    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>Opens the binary standard output, where <c>--out -</c> writes (tests pass a memory stream).</summary>
    public Func<Stream> OpenStandardOutput { get; init; } = () => Stream.Null;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Environment lookup (tests pass a dictionary).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Whether a progress bar may be drawn on <see cref="Error"/> (a terminal).</summary>
    public bool IsErrorInteractive { get; init; }

    /// <summary>The working directory that relative paths resolve against.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>
    /// Tests only: the application directory the simulated TEE runtime measures instead of <see cref="AppContext.BaseDirectory"/>
    /// (a copy of the application, as if the process had been started from it). Nothing outside tests sets it.
    /// </summary>
    public string? ApplicationDirectory { get; init; }

    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public static CliContext FromConsole() => new()
    {
        Output = Console.Out,
        Error = Console.Error,
        Input = Console.In,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsErrorInteractive = !Console.IsErrorRedirected,
    };
}
