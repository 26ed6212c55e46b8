using Ppml.Core;
using Ppml.Tee.Evidence;
using Ppml.Tee.IO;

namespace Ppml.Tee;

/// <summary>
/// Decides which TEE this process runs in. The request comes from <c>PPML_TEE</c> (first) or the configuration
/// (<c>sgx</c>, <c>tdx</c>, <c>simulation</c>, or <c>auto</c>/unset). Simulation is only ever chosen explicitly —
/// auto-detection that finds no TEE fails, it never falls back — and a production setting refuses it.
/// </summary>
public static class TeeDetector
{
    /// <summary>The environment variable that selects the TEE.</summary>
    public const string EnvironmentVariable = "PPML_TEE";

    /// <summary>Determines the TEE.</summary>
    /// <param name="configured">The configured mode (workspace <c>tee</c>), or <see langword="null"/> for auto.</param>
    /// <param name="isProduction">Whether simulation must be refused.</param>
    /// <param name="fileSystem">Where to probe for <c>/dev/attestation</c> and configfs-tsm.</param>
    /// <param name="getEnvironmentVariable">Environment lookup.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The TEE kind.</returns>
    /// <exception cref="TeeException">The requested TEE is absent, the request is invalid, no TEE is found in auto mode, or simulation is refused.</exception>
    public static async Task<TeeKind> DetectAsync(
        string? configured,
        bool isProduction,
        ITeeFileSystem fileSystem,
        Func<string, string?> getEnvironmentVariable,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        string? fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        string requested = (string.IsNullOrWhiteSpace(fromEnvironment) ? configured : fromEnvironment)?.Trim().ToUpperInvariant() ?? "AUTO";
        string source = string.IsNullOrWhiteSpace(fromEnvironment) ? "the workspace configuration" : EnvironmentVariable;

        bool sgx = await GramineSgxEvidenceProvider.IsAvailableAsync(fileSystem, cancellationToken).ConfigureAwait(false);
        bool tdx = TdxTsmEvidenceProvider.IsAvailable(fileSystem);
        switch (requested)
        {
            case "SIMULATION":
                if (isProduction)
                {
                    throw new TeeException(
                        $"Simulation mode was requested by {source}, but this is a production setting: simulation gives no memory protection and is refused.");
                }

                return TeeKind.Simulation;
            case "SGX":
                return sgx ? TeeKind.Sgx : throw new TeeException($"{source} asks for SGX, but Gramine's /dev/attestation (dcap) is not present.");
            case "TDX":
                return tdx ? TeeKind.Tdx : throw new TeeException($"{source} asks for TDX, but {TdxTsmEvidenceProvider.ReportDirectory} is not present.");
            case "AUTO" or "":
                if (sgx)
                {
                    return TeeKind.Sgx;
                }

                if (tdx)
                {
                    return TeeKind.Tdx;
                }

                throw new TeeException(
                    $"No TEE found (no Gramine /dev/attestation, no {TdxTsmEvidenceProvider.ReportDirectory}). To run without hardware protection, set {EnvironmentVariable}=simulation or \"tee\": \"simulation\" in the workspace configuration.");
            default:
                throw new TeeException($"{source} names TEE '{requested.ToLowerInvariant()}'; use sgx, tdx, simulation or auto.");
        }
    }
}
