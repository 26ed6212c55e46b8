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
    /// <summary>The environment variable that selects the TEE (<see cref="TeeKinds.EnvironmentVariable"/>).</summary>
    public const string EnvironmentVariable = TeeKinds.EnvironmentVariable;

    /// <summary>Determines the TEE.</summary>
    /// <param name="configured">The configured request (workspace <c>tee</c>), or <see langword="null"/> for auto.</param>
    /// <param name="isProduction">Whether simulation must be refused.</param>
    /// <param name="fileSystem">Where to probe for <c>/dev/attestation</c> and configfs-tsm.</param>
    /// <param name="getEnvironmentVariable">Environment lookup (<c>PPML_TEE</c>, parsed strictly).</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The TEE kind.</returns>
    /// <exception cref="TeeException">The requested TEE is absent, no TEE is found in auto mode, or simulation is refused.</exception>
    /// <exception cref="InvalidSettingException"><c>PPML_TEE</c> is set to anything but exactly sgx, tdx, simulation or auto.</exception>
    public static async Task<TeeKind> DetectAsync(
        TeeKind? configured,
        bool isProduction,
        ITeeFileSystem fileSystem,
        Func<string, string?> getEnvironmentVariable,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        bool fromEnvironment = TeeKinds.TryReadEnvironment(getEnvironmentVariable, out TeeKind? environmentRequest);
        TeeKind? requested = fromEnvironment ? environmentRequest : configured;
        string source = fromEnvironment ? EnvironmentVariable : "the workspace configuration";

        bool sgx = await GramineSgxEvidenceProvider.IsAvailableAsync(fileSystem, cancellationToken).ConfigureAwait(false);
        bool tdx = TdxTsmEvidenceProvider.IsAvailable(fileSystem);
        switch (requested)
        {
            case TeeKind.Simulation:
                if (isProduction)
                {
                    throw new TeeException(
                        $"Simulation mode was requested by {source}, but this is a production setting ({DeploymentEnvironment.EnvironmentVariable}=production): simulation gives no memory protection and is refused.");
                }

                return TeeKind.Simulation;
            case TeeKind.Sgx:
                return sgx ? TeeKind.Sgx : throw new TeeException($"{source} asks for SGX, but Gramine's /dev/attestation (dcap) is not present.");
            case TeeKind.Tdx:
                return tdx ? TeeKind.Tdx : throw new TeeException($"{source} asks for TDX, but {TdxTsmEvidenceProvider.ReportDirectory} is not present.");
            case null:
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
                throw new TeeException($"{source} names an unknown TEE kind {requested}; use sgx, tdx, simulation or auto.");
        }
    }
}
