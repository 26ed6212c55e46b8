using Ppml.Attestation.Quotes;
using Ppml.Tee;

namespace Ppml.Cli.Workspace;

/// <summary>The TEE runtime of a workspace: its configured mode, simulated platform, signed enclave and seal secret.</summary>
internal static class WorkspaceTee
{
    /// <summary><c>PPML_ENVIRONMENT=production</c> makes simulation a hard error.</summary>
    public const string EnvironmentVariable = "PPML_ENVIRONMENT";

    public static TeeRuntimeOptions Options(
        CliContext context,
        PpmlWorkspace workspace,
        string? platformDirectory = null,
        string? signedEnclavePath = null,
        TeeType quoteType = TeeType.Sgx,
        string? applicationDirectory = null) => new()
    {
        ConfiguredMode = workspace.Config.Tee,
        IsProduction = string.Equals(context.GetEnvironmentVariable(EnvironmentVariable), "production", StringComparison.OrdinalIgnoreCase),
        GetEnvironmentVariable = context.GetEnvironmentVariable,
        SimulationPlatformDirectory = platformDirectory ?? workspace.SimulatedPlatformDirectory,
        SignedEnclavePath = signedEnclavePath ?? workspace.SignedEnclavePath,
        SealingSecretPath = workspace.SealSecretPath,
        SimulatedQuoteType = quoteType,
        ApplicationDirectory = applicationDirectory,
    };

    /// <summary>Starts the TEE runtime; in simulation it verifies the signed enclave's trusted files first.</summary>
    public static async Task<TeeRuntime> CreateAsync(
        CliContext context, PpmlWorkspace workspace, CancellationToken cancellationToken, string? platformDirectory = null, string? signedEnclavePath = null, TeeType quoteType = TeeType.Sgx)
    {
        TeeRuntime runtime = await TeeRuntime.CreateAsync(Options(context, workspace, platformDirectory, signedEnclavePath, quoteType), cancellationToken);
        if (runtime.IsSimulation)
        {
            await context.Error.WriteLineAsync($"WARNING: TEE {runtime.Description}.");
        }

        return runtime;
    }
}
