using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Ppml.Attestation;
using Ppml.Kms.Server.Attestation;
using Ppml.Core.IO;

namespace Ppml.Kms.Server;

/// <summary>
/// A KMS server for a deployment (<c>ppml kms serve</c> as a library call): it decides which evidence to trust (the
/// Intel root always; a simulated platform's root only when asked explicitly or configured, never in production),
/// loads the TLS keystore and starts <see cref="KmsServer"/>. Dispose it to stop the server.
/// </summary>
public sealed class KmsServerHost : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;

    private KmsServerHost(KmsServer server, DcapEvidenceVerifier verifier, X509Certificate2 certificate, string storeDirectory)
    {
        Server = server;
        Verifier = verifier;
        _certificate = certificate;
        StoreDirectory = storeDirectory;
    }

    /// <summary>The running server.</summary>
    public KmsServer Server { get; }

    /// <summary>The evidence verifier the server uses.</summary>
    public DcapEvidenceVerifier Verifier { get; }

    /// <summary>The store directory.</summary>
    public string StoreDirectory { get; }

    /// <summary>Builds the verifier, loads the keystore and starts the server.</summary>
    /// <param name="options">The deployment.</param>
    /// <param name="configureLogging">Logging providers (the default has none).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host.</returns>
    /// <exception cref="KmsServerTrustException">The trust settings contradict each other or the deployment; nothing was started.</exception>
    /// <exception cref="InvalidDataException">A simulated platform or collateral bundle is malformed.</exception>
    /// <exception cref="FileNotFoundException">A simulated platform file, collateral bundle or the keystore is missing.</exception>
    /// <exception cref="KmsException">The store cannot be opened.</exception>
    public static async Task<KmsServerHost> StartAsync(
        KmsServerHostOptions options, Action<ILoggingBuilder>? configureLogging = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        DcapEvidenceVerifier verifier = await CreateVerifierAsync(options, timeProvider, cancellationToken).ConfigureAwait(false);
        SecretFiles.Check(options.KeystorePath, SecretFileKind.Secret);
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(options.KeystorePath, options.KeystorePassword, X509KeyStorageFlags.EphemeralKeySet);
        try
        {
            var serverOptions = new KmsServerOptions
            {
                Urls = options.Urls.Count > 0 ? [.. options.Urls] : [KmsServerOptions.DefaultUrl],
                StoreDirectory = options.StoreDirectory,
                SecretFile = options.SecretFile,
                Certificate = certificate,
                DurableReadAudits = options.DurableReadAudits,
            };
            KmsServer server = await KmsServer.StartAsync(serverOptions, verifier, configureLogging, timeProvider, cancellationToken).ConfigureAwait(false);
            return new KmsServerHost(server, verifier, certificate, options.StoreDirectory);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The verifier <see cref="StartAsync"/> uses: the Intel root always; the simulated platform of
    /// <see cref="KmsServerHostOptions.SimulatedPlatformDirectory"/>, else of
    /// <see cref="KmsServerHostOptions.ConfiguredSimulatedPlatformDirectory"/> when it exists, unless
    /// <see cref="KmsServerHostOptions.IntelOnly"/>; and no simulated root at all in production.
    /// </summary>
    /// <param name="options">The deployment.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="KmsServerTrustException">The trust settings contradict each other or the deployment.</exception>
    /// <exception cref="InvalidDataException">A simulated platform or collateral bundle is malformed.</exception>
    /// <exception cref="FileNotFoundException">A simulated platform file or collateral bundle is missing.</exception>
    public static async Task<DcapEvidenceVerifier> CreateVerifierAsync(KmsServerHostOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IntelOnly && options.SimulatedPlatformDirectory is not null)
        {
            throw new KmsServerTrustException(SimulatedTrustConflict.IntelOnlyAndSimulatedPlatform);
        }

        var seeds = new List<ReadOnlyMemory<byte>>();
        foreach (string file in options.CollateralFiles)
        {
            seeds.Add(await SecretFiles.ReadAllBytesAsync(file, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false));
        }

        string? platform = options.IntelOnly
            ? null
            : options.SimulatedPlatformDirectory
                ?? (options.ConfiguredSimulatedPlatformDirectory is { } configured && Directory.Exists(configured) ? configured : null);
        if (platform is not null && options.IsProduction)
        {
            throw new KmsServerTrustException(options.SimulatedPlatformDirectory is not null
                ? SimulatedTrustConflict.ProductionAndSimulatedPlatform
                : SimulatedTrustConflict.ProductionAndSimulationConfiguration);
        }

        try
        {
            return platform is null
                ? new DcapEvidenceVerifier(new DcapEvidenceVerifierOptions { Collateral = seeds }, timeProvider)
                : await DcapEvidenceVerifier.ForSimulatedPlatformAsync(platform, timeProvider, seeds, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationFormatException exception)
        {
            throw new InvalidDataException($"The attestation verifier cannot start: {exception.Message}", exception);
        }
    }

    /// <summary>Stops the server and releases the certificate.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
    }
}
