using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ppml.Crypto.Keys;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Http;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server;

/// <summary>
/// The KMS and attestation service: ASP.NET Core minimal APIs on Kestrel, HTTPS only, over a SQLite store. Start it with
/// <see cref="StartAsync"/>; dispose it to stop. <c>ppml kms serve</c>, the integration tests and the load benchmark all
/// run this same host.
/// </summary>
public sealed class KmsServer : IAsyncDisposable
{
    private readonly WebApplication _application;
    private readonly KmsStore _store;
    private readonly TokenService _tokens;
    private readonly ILogger _logger;
    private int _disposed;

    private KmsServer(WebApplication application, KmsStore store, TokenService tokens, ILogger logger, StoreOpenResult opened, IReadOnlyList<Uri> addresses, string storeDirectory)
    {
        _application = application;
        _store = store;
        _tokens = tokens;
        _logger = logger;
        Addresses = addresses;
        IsNewStore = opened.IsNew;
        GeneratedSecretPath = opened.GeneratedSecretPath;
        AdminKeyPath = Path.Combine(storeDirectory, KmsStore.AdminKeyFileName);
    }

    /// <summary>The bound addresses (port 0 resolved), e.g. <c>https://127.0.0.1:40123/</c>.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>Whether this start created the store (and its admin API key).</summary>
    public bool IsNewStore { get; }

    /// <summary>The operator secret this start generated, if it did (the operator must move or protect it).</summary>
    public string? GeneratedSecretPath { get; }

    /// <summary>Where the first start wrote the admin API key (<c>STORE/admin.apikey</c>, mode 0600).</summary>
    public string AdminKeyPath { get; }

    /// <summary>Opens (or creates) the store and starts listening.</summary>
    /// <param name="options">Settings; <see cref="KmsServerOptions.Certificate"/> is required.</param>
    /// <param name="verifier">The evidence verifier; <see langword="null"/> makes attestation answer 503.</param>
    /// <param name="configureLogging">Logging providers (the default has none).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid (every failure in one message).</exception>
    /// <exception cref="KmsException">The store cannot be opened (in use, wrong secret, corrupted).</exception>
    public static async Task<KmsServer> StartAsync(
        KmsServerOptions options,
        IEvidenceVerifier? verifier = null,
        Action<ILoggingBuilder>? configureLogging = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        List<ListenAddress> listen = [.. options.Urls.Select(url => ListenAddress.TryParse(url, out ListenAddress address, out _) ? address : throw new InvalidOperationException(url))];

        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(KmsServer).Assembly.GetName().Name });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddRouting();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, KmsWireJsonContext.Default));
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<IOptions<KmsServerOptions>>(Options.Create(options));
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = KmsServerOptions.MaxRequestBodySize;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            foreach (ListenAddress address in listen)
            {
                Action<ListenOptions> https = listenOptions => listenOptions.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = options.Certificate!,
                    SslProtocols = TlsPolicy.Protocols,
                    OnAuthenticate = (_, ssl) => TlsPolicy.Apply(ssl), // TLS 1.3, and 1.2 with AEAD suites only
                });
                if (address.IsLocalhost)
                {
                    kestrel.ListenLocalhost(address.Port, https);
                }
                else
                {
                    kestrel.Listen(address.Address!, address.Port, https);
                }
            }
        });

        WebApplication application = builder.Build();
        ILogger logger = application.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ppml.Kms.Server");
        (KmsStore store, StoreOpenResult opened) = await KmsStore.OpenAsync(
            options.StoreDirectory, options.SecretFile, options.KdfIterations, clock, logger, cancellationToken).ConfigureAwait(false);
        TokenService? tokens = null;
        try
        {
            if (opened.GeneratedSecretPath is { } secretPath)
            {
                logger.OperatorSecretGenerated(secretPath);
            }

            if (opened.AdminKeyPath is { } adminKeyPath)
            {
                logger.AdminKeyWritten(adminKeyPath);
            }

            string storePath = Path.GetFullPath(options.StoreDirectory);
            int keyCount = store.Keys.Count();
            int applicationCount = store.Applications.Count();
            int policyCount = store.Policies.Count();
            logger.StoreOpened(storePath, keyCount, applicationCount, policyCount, store.AuditCount);
            if (verifier is null)
            {
                logger.VerifierUnavailable();
            }
            else if (verifier is DcapEvidenceVerifier dcap)
            {
                logger.DcapVerifierReady(dcap.CachedCollateralCount);
                if (dcap.AcceptsSimulatedEvidence)
                {
                    logger.SimulatedEvidenceAccepted(dcap.SimulatedPlatformSource!);
                }
            }

            tokens = new TokenService(store, options.Issuer, options.TokenLifetime, clock);
            var service = new KmsService(store, tokens, verifier ?? new UnavailableEvidenceVerifier(), logger, options.DurableReadAudits);
            application.UseMiddleware<ProblemMiddleware>(logger);
            application.MapOpenApi("/openapi/{documentName}.json");
            KmsEndpoints.Map(application, service, new CallerAuthentication(store, logger), tokens);

            await application.StartAsync(cancellationToken).ConfigureAwait(false);
            IServerAddressesFeature? feature = application.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
            List<Uri> addresses = [.. (feature?.Addresses ?? []).Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)))];
            string listening = string.Join(' ', addresses);
            logger.ServerStarted(listening, storePath);
            return new KmsServer(application, store, tokens, logger, opened, addresses, storePath);
        }
        catch
        {
            tokens?.Dispose();
            await application.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes when the host stops (Ctrl+C through <paramref name="cancellationToken"/>, or <see cref="DisposeAsync"/>).</summary>
    /// <param name="cancellationToken">Stops the server when cancelled.</param>
    /// <returns>A task that completes at shutdown.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _application.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, lets running requests finish, then flushes and closes the store.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _logger.ServerStopping();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _application.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Requests still running after the grace period are abandoned; nothing unacknowledged is lost.
            }
        }

        await _application.DisposeAsync().ConfigureAwait(false);
        _tokens.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    private static void Validate(KmsServerOptions options)
    {
        var failures = new List<string>();
        foreach (IValidateOptions<KmsServerOptions> validator in new IValidateOptions<KmsServerOptions>[] { new KmsServerOptionsValidator(), new KmsServerOptionsRules() })
        {
            ValidateOptionsResult result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(KmsServerOptions), failures);
        }
    }
}
