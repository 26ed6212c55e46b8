using System.Net;
using System.Runtime.CompilerServices;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Ppml.Kms.Release;
using Ppml.Core.IO;

namespace Ppml.Kms.Remote;

/// <summary>
/// The <c>https://</c> provider: a client of the PPML KMS server (<c>ppml kms serve</c>). It authenticates with an API key
/// and validates the server certificate against a given CA (the workspace's <c>tls/ca.crt</c>) or the system roots —
/// validation is never switched off. An attested workload calls <see cref="UseAttestation"/> (the workload session in
/// Ppml.Workloads does, with a token from <c>POST /v1/attest</c>); from then on the client is armed: unwrapping sends the
/// token and accepts only a data key released to the runtime key — a plaintext answer is refused — and new data keys
/// are created here, in the TEE, and only sent to the KMS to be wrapped (<c>POST /v1/keys/{name}/wrap</c>).
/// </summary>
/// <remarks>
/// Idempotent calls are retried when the server answers 503, 502, 504 or 429, or cannot be reached: up to four retries with
/// exponential backoff and jitter (about 0.5, 1, 2, 4 s), or the wait the server's <c>Retry-After</c> asks for (at most
/// 30 s; a longer one is reported, not waited for). Idempotent are every <c>GET</c>, <c>PUT /v1/policies/{id}</c> (it
/// replaces the policy), and the POSTs that change no state: unwrap, wrap (of a data key made by the caller) and attest.
/// Never retried, because a second attempt would not answer like the first: creating a key, rotating, disabling,
/// generating a data key (each attempt draws a new key) and creating an application (each attempt makes a new API key).
/// A rejected TLS certificate is never retried. Cancellation stops the waits at once.
/// </remarks>
public sealed class KmsClient : IKeyManagementService
{
    private const string JsonMediaType = "application/json";
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private const int DataKeySize = 32;
    private readonly Lock _attestationLock = new();
    private string? _attestationToken;
    private ECDiffieHellman? _runtimeKey;
    private string? _lastCertificateError;
    private bool _disposed;

    /// <summary>Creates a client.</summary>
    /// <param name="baseAddress">The server, e.g. <c>https://127.0.0.1:9876</c>; must be https.</param>
    /// <param name="apiKey">The application's API key.</param>
    /// <param name="caCertificate">The CA the server certificate must chain to; <see langword="null"/> for the system roots.</param>
    /// <exception cref="KmsException">The address is not https (<see cref="KmsErrorCode.InvalidRequest"/>).</exception>
    public KmsClient(Uri baseAddress, string apiKey, X509Certificate2? caCertificate = null)
        : this(baseAddress, apiKey, caCertificate, timeProvider: null)
    {
    }

    /// <summary>Creates a client whose retry waits run on <paramref name="timeProvider"/>.</summary>
    /// <param name="baseAddress">The server, e.g. <c>https://127.0.0.1:9876</c>; must be https.</param>
    /// <param name="apiKey">The application's API key.</param>
    /// <param name="caCertificate">The CA the server certificate must chain to; <see langword="null"/> for the system roots.</param>
    /// <param name="timeProvider">The clock of the retry waits; <see langword="null"/> for the system clock.</param>
    /// <exception cref="KmsException">The address is not https (<see cref="KmsErrorCode.InvalidRequest"/>).</exception>
    public KmsClient(Uri baseAddress, string apiKey, X509Certificate2? caCertificate, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        _baseAddress = HttpsBase(baseAddress);
        X509Certificate2? trustedCa = caCertificate is null ? null : X509CertificateLoader.LoadCertificate(caCertificate.RawData);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors, trustedCa),
            },
        };
        _http = CreateHttpClient(handler, _baseAddress, apiKey);
        _retry = KmsRetry.Create(timeProvider ?? TimeProvider.System, () => _lastCertificateError is not null);
    }

    /// <summary>Tests only: a client over <paramref name="handler"/> (a fake server) with the retry waits on <paramref name="timeProvider"/>.</summary>
    internal KmsClient(Uri baseAddress, string apiKey, HttpMessageHandler handler, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        ArgumentNullException.ThrowIfNull(handler);
        _baseAddress = HttpsBase(baseAddress);
        _http = CreateHttpClient(handler, _baseAddress, apiKey);
        _retry = KmsRetry.Create(timeProvider, () => _lastCertificateError is not null);
    }

    private static Uri HttpsBase(Uri baseAddress) =>
        baseAddress.Scheme == Uri.UriSchemeHttps
            ? new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + "/")
            : throw new KmsException(KmsErrorCode.InvalidRequest, $"KMS address '{baseAddress}' is not https; the KMS server speaks HTTPS only.");

    private static HttpClient CreateHttpClient(HttpMessageHandler handler, Uri baseAddress, string apiKey)
    {
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <inheritdoc />
    public string Description => _baseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>Opens a client for <paramref name="uri"/> with the API key and CA of <paramref name="options"/>.</summary>
    /// <param name="uri">An https URI.</param>
    /// <param name="options">Needs <see cref="KmsConnectionOptions.ApiKey"/>; <see cref="KmsConnectionOptions.CaCertificatePath"/> when the server's CA is private.</param>
    /// <returns>The client.</returns>
    /// <exception cref="KmsException">The URI, key or CA file is unusable.</exception>
    public static KmsClient Create(string uri, KmsConnectionOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? address) || address.Scheme != Uri.UriSchemeHttps)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"KMS URI '{uri}' is not an https:// URL.");
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new KmsException(KmsErrorCode.Unauthenticated, $"KMS '{uri}' needs an API key: pass --api-key-file FILE (an admin key is in STORE/admin.apikey).");
        }

        X509Certificate2? ca = null;
        if (options.CaCertificatePath is not null)
        {
            try
            {
                SecretFiles.Check(options.CaCertificatePath, SecretFileKind.TrustAnchor);
                ca = X509CertificateLoader.LoadCertificateFromFile(options.CaCertificatePath);
            }
            catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException && exception is not InsecureFileException)
            {
                throw new KmsException(
                    KmsErrorCode.InvalidRequest,
                    $"CA certificate '{options.CaCertificatePath}' cannot be read ({exception.Message}); pass the server's CA (tls/ca.crt of its workspace).",
                    exception);
            }
        }

        using (ca)
        {
            return new KmsClient(address, options.ApiKey, ca, options.TimeProvider);
        }
    }

    /// <summary>
    /// Makes <see cref="UnwrapDataKeyAsync"/> work for keys with a release policy: it sends <paramref name="attestationToken"/>
    /// and opens the released key with <paramref name="runtimeKey"/> (the private key bound in the token).
    /// </summary>
    /// <param name="attestationToken">From <see cref="AttestAsync(AttestRequest, CancellationToken)"/>.</param>
    /// <param name="runtimeKey">The TEE's ephemeral P-256 key; the client does not take ownership.</param>
    public void UseAttestation(string attestationToken, ECDiffieHellman runtimeKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(attestationToken);
        ArgumentNullException.ThrowIfNull(runtimeKey);
        lock (_attestationLock)
        {
            _attestationToken = attestationToken;
            _runtimeKey = runtimeKey;
        }
    }

    /// <summary>Whether <see cref="UseAttestation"/> armed this client.</summary>
    public bool IsAttested => Volatile.Read(ref _attestationToken) is not null;

    /// <summary><c>GET /healthz</c>: whether the server answers.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status text.</returns>
    public async Task<string> HealthAsync(CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "healthz", null, Idempotent, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PrimaryKeyInfo> CreateKeyAsync(string name, CancellationToken cancellationToken = default) =>
        (await CreateKeyAsync(new CreateKeyRequest { Name = name }, cancellationToken).ConfigureAwait(false)).ToInfo();

    /// <summary><c>POST /v1/keys</c>: creates a primary key, optionally with a release policy.</summary>
    /// <param name="request">The key to create.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new key.</returns>
    public Task<KeyDescription> CreateKeyAsync(CreateKeyRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, "v1/keys", request, Wire.CreateKeyRequest, Wire.KeyDescription, NotIdempotent, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PrimaryKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        [.. (await DescribeKeysAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.ToInfo())];

    /// <summary><c>GET /v1/keys</c>: the keys this application may use.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The keys, ordered by name.</returns>
    public Task<IReadOnlyList<KeyDescription>> DescribeKeysAsync(CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, "v1/keys", null, null, Wire.IReadOnlyListKeyDescription, Idempotent, cancellationToken);

    /// <summary><c>GET /v1/keys/{name}</c>.</summary>
    /// <param name="name">The key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key.</returns>
    public Task<KeyDescription> DescribeKeyAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, KeyPath(name, null), null, null, Wire.KeyDescription, Idempotent, cancellationToken);

    /// <inheritdoc />
    public async Task<PrimaryKeyInfo> RotateKeyAsync(string name, CancellationToken cancellationToken = default) =>
        (await CallAsync(HttpMethod.Post, KeyPath(name, "rotate"), null, null, Wire.KeyDescription, NotIdempotent, cancellationToken).ConfigureAwait(false)).ToInfo();

    /// <summary><c>POST /v1/keys/{name}/disable</c>: the key stops generating and unwrapping (admin).</summary>
    /// <param name="name">The key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key.</returns>
    public Task<KeyDescription> DisableKeyAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, KeyPath(name, "disable"), null, null, Wire.KeyDescription, NotIdempotent, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Armed by <see cref="UseAttestation"/>, the data key is drawn here (in the TEE) and the KMS only wraps it, authorized by
    /// the token: the KMS never generates, and the host never sees, the key of an attested workload's output. Otherwise
    /// the KMS generates it and returns it in plaintext, which a key with a release policy grants only to its producers.
    /// </remarks>
    public async Task<DataKey> GenerateDataKeyAsync(string keyName, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _attestationToken) is { } token)
        {
            byte[] fresh = RandomNumberGenerator.GetBytes(DataKeySize);
            try
            {
                WrapDataKeyResponse wrapped = await WrapDataKeyAsync(
                    keyName, new WrapDataKeyRequest { Plaintext = fresh, AttestationToken = token }, cancellationToken).ConfigureAwait(false);
                return new DataKey(wrapped.KeyName, wrapped.KeyVersion, fresh, wrapped.WrappedKey);
            }
            catch
            {
                CryptographicOperations.ZeroMemory(fresh);
                throw;
            }
        }

        DataKeyResponse response = await GenerateDataKeyAsync(keyName, includePlaintext: true, cancellationToken).ConfigureAwait(false);
        if (response.Plaintext is not { Length: DataKeySize })
        {
            throw new KmsException(KmsErrorCode.UnwrapFailed, $"KMS {Description} returned a data key of {response.Plaintext?.Length ?? 0} bytes; expected {DataKeySize}.");
        }

        return new DataKey(response.KeyName, response.KeyVersion, response.Plaintext, response.WrappedKey);
    }

    /// <summary><c>POST /v1/keys/{name}/datakey</c>.</summary>
    /// <param name="keyName">The primary key.</param>
    /// <param name="includePlaintext">Whether to return the plaintext too (false: only the wrapped key, for later release to a TEE).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The data key.</returns>
    public Task<DataKeyResponse> GenerateDataKeyAsync(string keyName, bool includePlaintext, CancellationToken cancellationToken = default) =>
        CallAsync(
            HttpMethod.Post,
            KeyPath(keyName, "datakey"),
            new GenerateDataKeyRequest { IncludePlaintext = includePlaintext },
            Wire.GenerateDataKeyRequest,
            Wire.DataKeyResponse,
            NotIdempotent,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Armed by <see cref="UseAttestation"/>, only a key released to the runtime key is accepted; a plaintext answer is refused.</remarks>
    public async Task<byte[]> UnwrapDataKeyAsync(string keyName, int keyVersion, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default)
    {
        (string? token, ECDiffieHellman? runtimeKey) = ReadAttestation();
        UnwrapResponse response = await UnwrapAsync(
            keyName,
            new UnwrapRequest { KeyVersion = keyVersion, WrappedKey = wrappedKey.ToArray(), AttestationToken = token },
            cancellationToken).ConfigureAwait(false);
        if (response.Plaintext is { } plaintext)
        {
            if (token is not null)
            {
                // A genuine KMS releases keys to an attested workload wrapped to its runtime key. A plaintext answer means
                // the peer is not following the protocol (or is not our KMS): never use such a key.
                CryptographicOperations.ZeroMemory(plaintext);
                throw new KmsException(
                    KmsErrorCode.Forbidden,
                    $"KMS {Description} answered the attested unwrap of key '{keyName}' with a plaintext data key; refused (a data key for an attested workload must be released to its runtime key).");
            }

            return plaintext;
        }

        if (response.Released is { } released)
        {
            if (runtimeKey is null)
            {
                throw new KmsException(KmsErrorCode.UnwrapFailed, $"KMS {Description} released key '{keyName}' to a runtime key, but this client holds none.");
            }

            return KeyRelease.Open(runtimeKey, released, keyName, keyVersion);
        }

        throw new KmsException(KmsErrorCode.UnwrapFailed, $"KMS {Description} answered the unwrap of key '{keyName}' without a key.");
    }

    /// <summary><c>POST /v1/keys/{name}/unwrap</c>, returning the raw answer (plaintext or released).</summary>
    /// <param name="keyName">The primary key.</param>
    /// <param name="request">The wrapped key, its version and (for release policies) the attestation token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public Task<UnwrapResponse> UnwrapAsync(string keyName, UnwrapRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, KeyPath(keyName, "unwrap"), request, Wire.UnwrapRequest, Wire.UnwrapResponse, Idempotent, cancellationToken);

    /// <summary>
    /// <c>POST /v1/keys/{name}/wrap</c>: wraps a data key created inside the TEE under the key's current version, so the
    /// KMS never generates (and the host never sees) an output key.
    /// </summary>
    /// <param name="keyName">The primary key.</param>
    /// <param name="request">The 32-byte data key and (for a key with a release policy) the attestation token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The wrapped key and the version that wrapped it.</returns>
    public Task<WrapDataKeyResponse> WrapDataKeyAsync(string keyName, WrapDataKeyRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, KeyPath(keyName, "wrap"), request, Wire.WrapDataKeyRequest, Wire.WrapDataKeyResponse, Idempotent, cancellationToken);

    /// <summary><c>POST /v1/attest</c>: evidence in, signed attestation token out.</summary>
    /// <param name="request">Evidence, optional collateral, runtime key and policy id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token.</returns>
    public Task<AttestResponse> AttestAsync(AttestRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, "v1/attest", request, Wire.AttestRequest, Wire.AttestResponse, Idempotent, cancellationToken);

    /// <summary><c>PUT /v1/policies/{id}</c> (admin).</summary>
    /// <param name="id">The policy id.</param>
    /// <param name="request">The policy.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored policy.</returns>
    public Task<AttestationPolicyDocument> SetPolicyAsync(string id, SetPolicyRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Put, "v1/policies/" + Uri.EscapeDataString(id), request, Wire.SetPolicyRequest, Wire.AttestationPolicyDocument, Idempotent, cancellationToken);

    /// <summary><c>GET /v1/policies</c>.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The policies.</returns>
    public Task<IReadOnlyList<AttestationPolicyDocument>> ListPoliciesAsync(CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, "v1/policies", null, null, Wire.IReadOnlyListAttestationPolicyDocument, Idempotent, cancellationToken);

    /// <summary><c>POST /v1/apps</c> (admin): the answer carries the new API key, once.</summary>
    /// <param name="request">The application.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The application with its API key.</returns>
    public Task<ApplicationDescription> CreateApplicationAsync(CreateApplicationRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, "v1/apps", request, Wire.CreateApplicationRequest, Wire.ApplicationDescription, NotIdempotent, cancellationToken);

    /// <summary><c>GET /v1/apps</c> (admin).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The applications (without keys).</returns>
    public Task<IReadOnlyList<ApplicationDescription>> ListApplicationsAsync(CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, "v1/apps", null, null, Wire.IReadOnlyListApplicationDescription, Idempotent, cancellationToken);

    /// <summary><c>GET /v1/audit?after=N&amp;limit=M</c> (admin).</summary>
    /// <param name="after">Return records after this sequence number.</param>
    /// <param name="limit">At most this many (1-1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The records.</returns>
    public Task<IReadOnlyList<AuditRecord>> ListAuditAsync(long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        CallAsync(
            HttpMethod.Get,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"v1/audit?after={after}&limit={limit}"),
            null,
            null,
            Wire.IReadOnlyListAuditRecord,
            Idempotent,
            cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _http.Dispose();

            _disposed = true;
        }
    }

    private static KmsWireJsonContext Wire => KmsWireJsonContext.Default;

    // Whether a call may be retried (class remarks): named so each call site says which it is.
    private const bool Idempotent = true;
    private const bool NotIdempotent = false;

    // The token and its runtime key change together (renewal): read them as one pair.
    private (string? Token, ECDiffieHellman? RuntimeKey) ReadAttestation()
    {
        lock (_attestationLock)
        {
            return (_attestationToken, _runtimeKey);
        }
    }

    private static string KeyPath(string name, string? verb)
    {
        KeyNames.Validate(name);
        return verb is null ? $"v1/keys/{name}" : $"v1/keys/{name}/{verb}";
    }

    private async Task<TResponse> CallAsync<TResponse>(
        HttpMethod method, string path, object? body, JsonTypeInfo? bodyType, JsonTypeInfo<TResponse> responseType, bool idempotent, CancellationToken cancellationToken)
    {
        byte[]? json = body is not null && bodyType is not null ? JsonSerializer.SerializeToUtf8Bytes(body, bodyType) : null;
        using HttpResponseMessage response = await SendAsync(method, path, json, idempotent, cancellationToken).ConfigureAwait(false);
        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("The body is null.");
            }
        }
        catch (JsonException exception)
        {
            throw new KmsException(KmsErrorCode.ServiceUnavailable, $"KMS {Description} answered {method} /{path} with a body that is not the expected JSON: {exception.Message}", exception);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, bool idempotent, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ResiliencePipeline<HttpResponseMessage> pipeline = idempotent ? _retry : ResiliencePipeline<HttpResponseMessage>.Empty;
        var attempts = new StrongBox<int>();
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                static (state, token) => state.Client.SendOnceAsync(state.Method, state.Path, state.Body, state.Attempts, token),
                (Client: this, Method: method, Path: path, Body: body, Attempts: attempts),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            string reason = _lastCertificateError is { } certificateError
                ? $"its TLS certificate was rejected: {certificateError}"
                : exception.Message;
            throw new KmsException(KmsErrorCode.ServiceUnavailable, $"Cannot reach KMS {Description}{AfterAttempts(attempts.Value)}: {reason}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KmsException(KmsErrorCode.ServiceUnavailable, $"KMS {Description} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0} s.", exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(method, path, response, attempts.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    // One attempt: a fresh request each time (a request message cannot be sent twice).
    private async ValueTask<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, byte[]? body, StrongBox<int> attempts, CancellationToken cancellationToken)
    {
        attempts.Value++;
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private static string AfterAttempts(int attempts) =>
        attempts > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (after {attempts} attempts)") : string.Empty;

    private async Task<KmsException> ToExceptionAsync(HttpMethod method, string path, HttpResponseMessage response, int attempts, CancellationToken cancellationToken)
    {
        ProblemResponse? problem = null;
        try
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                problem = JsonSerializer.Deserialize(body, Wire.ProblemResponse);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page, say): fall back to the status code below.
        }

        KmsErrorCode code = problem?.Code is { } name && Enum.TryParse(name, ignoreCase: false, out KmsErrorCode parsed)
            ? parsed
            : response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => KmsErrorCode.Unauthenticated,
                HttpStatusCode.Forbidden => KmsErrorCode.Forbidden,
                HttpStatusCode.NotFound => KmsErrorCode.NotFound,
                HttpStatusCode.Conflict => KmsErrorCode.Conflict,
                >= HttpStatusCode.InternalServerError => KmsErrorCode.ServiceUnavailable,
                _ => KmsErrorCode.InvalidRequest,
            };
        string detail = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "no reason given";
        return new KmsException(code, $"KMS {Description} refused {method} /{path.Split('?')[0]} ({(int)response.StatusCode}){AfterAttempts(attempts)}: {detail}");
    }

    private bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? trustedCa)
    {
        if (certificate is null)
        {
            _lastCertificateError = "the server sent no certificate";
            return false;
        }

        if (trustedCa is null)
        {
            _lastCertificateError = errors == SslPolicyErrors.None ? null : $"{errors} (pass the server's CA with --ca-file)";
            return errors == SslPolicyErrors.None;
        }

        // The host name must still match; only the chain is judged against the given CA instead of the system roots.
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            _lastCertificateError = $"{errors}: the certificate does not name this host";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(leaf))
        {
            _lastCertificateError = null;
            return true;
        }

        _lastCertificateError = "it does not chain to the given CA (" +
            string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0)) + ")";
        return false;
    }
}
