namespace Ppml.Workloads;

/// <summary>
/// What a workload takes from the process that hosts it: the environment, the working directory relative paths resolve
/// against, the clock, where one-line notices go, and the input secrets may be read from. The <c>ppml</c> command, a
/// cluster node or the user's own program each provide one (<see cref="WorkloadHost"/> for an ordinary process).
/// </summary>
public interface IWorkloadHost
{
    /// <summary>Environment lookup (<c>PPML_HOME</c>, <c>PPML_TEE</c>, <c>PPML_ENVIRONMENT</c>, injection settings).</summary>
    Func<string, string?> GetEnvironmentVariable { get; }

    /// <summary>The directory relative paths resolve against.</summary>
    string WorkingDirectory { get; }

    /// <summary>The clock.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Where notices go (the simulation warning, the attestation summary); never data.</summary>
    TextWriter Diagnostics { get; }

    /// <summary>Where a secret given as <c>-</c> is read from.</summary>
    TextReader Input { get; }

    /// <summary>
    /// Tests only: the application directory the simulated TEE runtime measures instead of
    /// <see cref="AppContext.BaseDirectory"/>; <see langword="null"/> everywhere else.
    /// </summary>
    string? ApplicationDirectory { get; }
}
