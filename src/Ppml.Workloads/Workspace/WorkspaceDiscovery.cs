using System.Runtime.CompilerServices;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Tee.Evidence;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// Finds the workspace of a command run below it, as git finds a repository: from the working directory upwards, the
/// first <c>.ppml</c> holding a <c>config.json</c>. Like git's <c>safe.directory</c>, a workspace another user owns is
/// refused. Inside a TEE (SGX, TDX) nothing is searched: there the workspace is a measured input and only the explicit or
/// configured location counts (<c>--home</c>, <c>PPML_HOME</c>, <c>./.ppml</c>).
/// </summary>
internal static class WorkspaceDiscovery
{
    // The workspaces already announced to each host, so a command that resolves its workspace twice says it once.
    private static readonly ConditionalWeakTable<IWorkloadHost, string> Announced = [];

    /// <summary>The workspace in a parent of the working directory, or <see langword="null"/> when there is none to use.</summary>
    /// <param name="host">The host (working directory, environment, diagnostics).</param>
    /// <returns>The workspace directory found, announced on the host's diagnostics.</returns>
    /// <exception cref="WorkloadException">The first workspace found belongs to another user.</exception>
    public static string? FindInParents(IWorkloadHost host)
    {
        if (IsInsideTee(host.GetEnvironmentVariable) || FileOwnership.CurrentUserId is not { } user)
        {
            return null;
        }

        for (string? directory = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(host.WorkingDirectory)));
             directory is not null;
             directory = Path.GetDirectoryName(directory))
        {
            string candidate = Path.Combine(directory, PpmlWorkspace.DefaultDirectoryName);
            if (!PpmlWorkspace.Exists(candidate))
            {
                continue;
            }

            uint? owner = FileOwnership.GetOwner(candidate);
            if (owner != user)
            {
                string who = owner is { } uid ? $"user id {uid}" : "an unknown user";
                throw new WorkloadException(
                    isInvalidInput: false,
                    message: $"The workspace '{candidate}' above the working directory belongs to {who}, not to you (user id {user}); refused, as git refuses another user's repository. " +
                    $"To use it anyway, name it: --home {candidate} (or PPML_HOME); or run 'ppml init' here.");
            }

            Announce(host, candidate);
            return candidate;
        }

        return null;
    }

    /// <summary>
    /// Whether this process runs in a TEE: <c>PPML_TEE</c> asks for sgx or tdx (an unparsable value counts too: never
    /// search on a doubt), or, unset or <c>auto</c>, Gramine's <c>/dev/attestation</c> or TDX configfs-tsm is present.
    /// <c>PPML_TEE=simulation</c> is no TEE.
    /// </summary>
    internal static bool IsInsideTee(Func<string, string?> getEnvironmentVariable)
    {
        TeeKind? requested;
        try
        {
            TeeKinds.TryReadEnvironment(getEnvironmentVariable, out requested);
        }
        catch (InvalidSettingException)
        {
            return true;
        }

        return requested switch
        {
            TeeKind.Sgx or TeeKind.Tdx => true,
            TeeKind.Simulation => false,
            _ => Directory.Exists(GramineSgxEvidenceProvider.AttestationDirectory) || Directory.Exists(TdxTsmEvidenceProvider.ReportDirectory),
        };
    }

    private static void Announce(IWorkloadHost host, string workspace)
    {
        if (Announced.TryGetValue(host, out string? said) && said == workspace)
        {
            return;
        }

        Announced.AddOrUpdate(host, workspace);

        // stderr, never stdout: the data a command prints stays clean for pipes.
        host.Diagnostics.WriteLine($"ppml: using workspace {workspace}");
    }
}
