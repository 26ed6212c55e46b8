namespace Ppml.Workloads;

/// <summary>An ordinary process as an <see cref="IWorkloadHost"/>: its environment, current directory, the system clock, stderr and stdin.</summary>
public sealed class WorkloadHost : IWorkloadHost
{
    /// <inheritdoc />
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <inheritdoc />
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <inheritdoc />
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public TextWriter Diagnostics { get; init; } = TextWriter.Null;

    /// <inheritdoc />
    public TextReader Input { get; init; } = TextReader.Null;

    /// <inheritdoc />
    public string? ApplicationDirectory => null;
}
