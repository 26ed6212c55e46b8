using Ppml.Workloads;

namespace Ppml.Quickstart;

/// <summary>The outer host's environment, clock and application directory, with the tour's directory and its own notice writer.</summary>
internal sealed class TourHost(IWorkloadHost outer, string workingDirectory, TextWriter diagnostics) : IWorkloadHost
{
    public Func<string, string?> GetEnvironmentVariable => outer.GetEnvironmentVariable;

    public string WorkingDirectory => workingDirectory;

    public TimeProvider TimeProvider => outer.TimeProvider;

    public TextWriter Diagnostics => diagnostics;

    public TextReader Input => TextReader.Null;

    public string? ApplicationDirectory => outer.ApplicationDirectory;
}
