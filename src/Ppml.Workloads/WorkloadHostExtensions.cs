namespace Ppml.Workloads;

/// <summary>Helpers over <see cref="IWorkloadHost"/>.</summary>
internal static class WorkloadHostExtensions
{
    /// <summary>Resolves <paramref name="path"/> against the host's working directory.</summary>
    /// <param name="host">The host.</param>
    /// <param name="path">A relative or absolute path.</param>
    /// <returns>The absolute path.</returns>
    public static string ResolvePath(this IWorkloadHost host, string path)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Path.GetFullPath(path, host.WorkingDirectory);
    }
}
