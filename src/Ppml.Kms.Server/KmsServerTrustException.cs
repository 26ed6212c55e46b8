namespace Ppml.Kms.Server;

/// <summary>
/// The trust settings of <see cref="KmsServerHostOptions"/> contradict each other or the deployment (a simulated root in
/// production); nothing was started. <see cref="Conflict"/> says which, so a host can phrase it in its own terms.
/// </summary>
public sealed class KmsServerTrustException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="conflict">Which settings conflict.</param>
    public KmsServerTrustException(SimulatedTrustConflict conflict)
        : base(Describe(conflict))
    {
        Conflict = conflict;
    }

    /// <summary>Which settings conflict.</summary>
    public SimulatedTrustConflict Conflict { get; }

    private static string Describe(SimulatedTrustConflict conflict) => conflict switch
    {
        SimulatedTrustConflict.IntelOnlyAndSimulatedPlatform =>
            "Intel-only trust and an explicit simulated platform contradict each other; ask for one.",
        SimulatedTrustConflict.ProductionAndSimulatedPlatform =>
            "A production deployment refuses to trust a simulated platform, but one is given explicitly; drop it (or trust Intel only), or run outside production.",
        _ => "A production deployment refuses to trust a simulated platform, but its configuration says simulation; trust Intel only, or run outside production.",
    };
}
