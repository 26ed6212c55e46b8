using Ppml.Attestation.Quotes;
using Ppml.Core;
using Ppml.Tee;
using Ppml.Workloads.Simulation;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// The TEE runtime of a workspace: its configured mode, simulated platform, signed enclave and seal secret. The CLI is
/// a composition root: it is where simulation is composed (<see cref="SimulatedTee.Evidence"/>), never a default of Ppml.Tee.
/// </summary>
public static class WorkspaceTee
{
    /// <summary>The TEE runtime options of <paramref name="workspace"/>: its configured mode, simulated platform, signed enclave and seal secret.</summary>
    /// <param name="context">The host (environment, test-only application directory).</param>
    /// <param name="workspace">The workspace.</param>
    /// <param name="platformDirectory">Another simulated platform; <see langword="null"/> for the workspace's.</param>
    /// <param name="signedEnclavePath">Another signed enclave; <see langword="null"/> for the workspace's signature of ppml.</param>
    /// <param name="quoteType">The simulated quote layout.</param>
    /// <param name="applicationDirectory">Tests only: the directory to measure.</param>
    /// <returns>The options.</returns>
    public static TeeRuntimeOptions Options(
        IWorkloadHost context,
        PpmlWorkspace workspace,
        string? platformDirectory = null,
        string? signedEnclavePath = null,
        TeeType quoteType = TeeType.Sgx,
        string? applicationDirectory = null) => new()
    {
        ConfiguredMode = workspace.Config.Tee is null ? null : TeeKinds.ParseRequest(workspace.Config.Tee, $"'{workspace.Root}/config.json' \"tee\""),
        IsProduction = DeploymentEnvironment.IsProduction(context.GetEnvironmentVariable),
        GetEnvironmentVariable = context.GetEnvironmentVariable,
        SimulationPlatformDirectory = platformDirectory ?? workspace.SimulatedPlatformDirectory,
        SignedEnclavePath = signedEnclavePath ?? workspace.SignedEnclavePath,
        SealingSecretPath = workspace.SealSecretPath,
        SimulatedQuoteType = quoteType,
        ApplicationDirectory = applicationDirectory ?? context.ApplicationDirectory,
        SimulatedEvidence = SimulatedTee.Evidence,
    };

    /// <summary>Starts the TEE runtime; in simulation it verifies the signed enclave's trusted files first.</summary>
    public static async Task<TeeRuntime> CreateAsync(
        IWorkloadHost context, PpmlWorkspace workspace, CancellationToken cancellationToken, string? platformDirectory = null, string? signedEnclavePath = null, TeeType quoteType = TeeType.Sgx)
    {
        TeeRuntime runtime;
        try
        {
            runtime = await TeeRuntime.CreateAsync(Options(context, workspace, platformDirectory, signedEnclavePath, quoteType), cancellationToken).ConfigureAwait(false);
        }
        catch (TeeException exception) when (signedEnclavePath is null && IsMeasurementMismatch(exception))
        {
            // The workspace's own signature of ppml: after an intended upgrade or rebuild it must be renewed.
            throw new TeeException(
                $"{exception.Message} If ppml was upgraded or rebuilt on purpose, sign it again: 'ppml enclave sign --out {workspace.SignedEnclavePath} --force' " +
                "(and update the KMS policies that name the old MRENCLAVE).",
                exception);
        }

        if (runtime.IsSimulation)
        {
            await context.Diagnostics.WriteLineAsync($"WARNING: TEE {runtime.Description}.").ConfigureAwait(false);
        }

        return runtime;
    }

    private static bool IsMeasurementMismatch(TeeException exception) =>
        exception.Message.StartsWith("Trusted file", StringComparison.Ordinal)
        || exception.Message.StartsWith("Unmeasured file", StringComparison.Ordinal)
        || exception.Message.StartsWith("Signed enclave format", StringComparison.Ordinal);
}
