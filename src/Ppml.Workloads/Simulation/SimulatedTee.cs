using Ppml.Attestation.Simulation;
using Ppml.Tee;
using Ppml.Tee.Evidence;

namespace Ppml.Workloads.Simulation;

/// <summary>
/// The composition of simulation mode for hosts: Ppml.Tee does not reference the simulated platform, so a host that
/// allows simulation sets <see cref="TeeRuntimeOptions.SimulatedEvidence"/> to <see cref="Evidence"/> at its
/// composition root. Without it, simulation mode fails; there is no default.
/// </summary>
public static class SimulatedTee
{
    /// <summary>
    /// The <see cref="TeeRuntimeOptions.SimulatedEvidence"/> hook: loads the saved simulated platform and returns a
    /// <see cref="SimulatedEvidenceProvider"/> that owns it, for the identity <see cref="TeeRuntime"/> verified.
    /// </summary>
    /// <value>Always <see cref="CreateEvidenceAsync"/>.</value>
    public static Func<SimulationContext, CancellationToken, Task<IEvidenceProvider>> Evidence { get; } = CreateEvidenceAsync;

    /// <summary>Loads the simulated platform of <paramref name="context"/> and returns evidence that owns it.</summary>
    /// <param name="context">The verified identity, the platform directory and the quote layout.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>A <see cref="SimulatedEvidenceProvider"/>; disposing it releases the platform's keys.</returns>
    /// <exception cref="FileNotFoundException">A platform file is missing.</exception>
    /// <exception cref="Ppml.Attestation.AttestationFormatException">A platform file is malformed.</exception>
    public static async Task<IEvidenceProvider> CreateEvidenceAsync(SimulationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        SimulatedPlatform platform = await SimulatedPlatform.LoadAsync(context.PlatformDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            return new SimulatedEvidenceProvider(platform, context.Identity, context.QuoteType, ownsPlatform: true);
        }
        catch
        {
            platform.Dispose();
            throw;
        }
    }
}
