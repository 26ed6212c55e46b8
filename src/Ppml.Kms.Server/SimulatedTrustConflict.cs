namespace Ppml.Kms.Server;

/// <summary>Why <see cref="KmsServerHost"/> refused the simulated-platform settings (<see cref="KmsServerTrustException"/>).</summary>
public enum SimulatedTrustConflict
{
    /// <summary>Intel-only trust and an explicit simulated platform were both asked for.</summary>
    IntelOnlyAndSimulatedPlatform,

    /// <summary>A production deployment was given an explicit simulated platform.</summary>
    ProductionAndSimulatedPlatform,

    /// <summary>A production deployment's configuration says it runs in simulation.</summary>
    ProductionAndSimulationConfiguration,
}
