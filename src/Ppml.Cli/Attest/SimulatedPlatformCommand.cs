using System.Globalization;
using System.Text;
using Ppml.Attestation.Simulation;

namespace Ppml.Cli.Attest;

/// <summary><c>ppml attest sim-platform --out DIR</c> without the console: creates and saves a simulated platform.</summary>
internal static class SimulatedPlatformCommand
{
    /// <summary>Creates a simulated platform and saves it to <paramref name="outDirectory"/>.</summary>
    /// <param name="outDirectory">Target directory (created if missing; existing files are replaced atomically).</param>
    /// <param name="options">Platform knobs; <see langword="null"/> for a healthy, up-to-date platform.</param>
    /// <param name="timeProvider">The clock for validity periods; the system clock when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A summary for people, listing the files to pass to <c>ppml attest verify</c>.</returns>
    public static async Task<string> RunAsync(
        string outDirectory,
        SimulatedPlatformOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outDirectory);
        using SimulatedPlatform platform = await SimulatedPlatform.CreateAsync(options, timeProvider, cancellationToken).ConfigureAwait(false);
        await platform.SaveAsync(outDirectory, cancellationToken).ConfigureAwait(false);
        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"Simulated SGX/TDX platform written to {outDirectory}");
        summary.AppendLine("  This is NOT an Intel TEE: its root CA is trusted only when passed with --root.");
        summary.AppendLine(CultureInfo.InvariantCulture, $"  FMSPC {Convert.ToHexStringLower(platform.Fmspc.Span)}; root CA {SimulatedPlatformFiles.RootCertificate}; keys *.key.pem (mode 0600)");
        summary.AppendLine(CultureInfo.InvariantCulture, $"  Verify: ppml attest verify QUOTE --root {Path.Combine(outDirectory, SimulatedPlatformFiles.RootCertificate)} --collateral {Path.Combine(outDirectory, SimulatedPlatformFiles.SgxCollateral)}");
        return summary.ToString();
    }
}
