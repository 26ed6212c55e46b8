using System.Security.Cryptography.X509Certificates;
using Ppml.Core;
using Ppml.Core.IO;
using Ppml.Crypto.Container;
using Ppml.Data;
using Ppml.Kms;
using Ppml.Kms.Envelope;
using Ppml.Kms.Remote;
using Ppml.Tee;
using Ppml.Workloads.Inputs;
using Ppml.Workloads.Keys;

namespace Ppml.Workloads;

/// <summary>
/// The one path to keys for every workload — our commands and the user's own program. It opens the KMS and, when the
/// KMS is a server, the TEE runtime: the session then attests lazily (at the first data key), keeps its runtime key in
/// memory only, renews the token before it expires, accepts data keys only released to that key, and has the KMS wrap
/// the keys of outputs it draws itself. With the embedded <c>file:</c> KMS nothing is attested.
/// </summary>
/// <example>
/// <code>
/// await using PpmlSession session = await PpmlSession.OpenAsync(options, cancellationToken);
/// await using PpmlContext context = await session.OpenContextAsync(cancellationToken);
/// </code>
/// </example>
public sealed class PpmlSession : IAsyncDisposable
{
    private readonly AttestedKeyService? _attested;
    private bool _disposed;

    private PpmlSession(PpmlSessionOptions options, IKeyManagementService keys, TeeRuntime? tee, AttestedKeyService? attested)
    {
        Options = options;
        Keys = keys;
        Tee = tee;
        _attested = attested;
    }

    /// <summary>The settings the session was opened with.</summary>
    public PpmlSessionOptions Options { get; }

    /// <summary>The key service: attested over a KMS server, the embedded store otherwise.</summary>
    public IKeyManagementService Keys { get; }

    /// <summary>The TEE runtime, when the session attests; <see langword="null"/> otherwise.</summary>
    public TeeRuntime? Tee { get; }

    /// <summary>Whether data keys reach this session only by attestation.</summary>
    public bool IsAttested => _attested is not null;

    /// <summary><c>sgx</c>, <c>tdx</c> or <c>simulation</c> when attested; <c>unattested</c> otherwise.</summary>
    public string TeeLabel => Tee?.Kind.ToName() ?? "unattested";

    /// <summary>The key of outputs when a write names none.</summary>
    public string DefaultKeyName => Options.DefaultKeyName;

    /// <summary>How many times the session attested so far (renewals included).</summary>
    public int AttestationCount => _attested?.AttestationCount ?? 0;

    /// <summary>Wall time spent attesting so far.</summary>
    public TimeSpan AttestationTime => _attested?.AttestationTime ?? TimeSpan.Zero;

    /// <summary>Opens a session.</summary>
    /// <param name="options">The KMS, the credential and the TEE.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The session; dispose it to forget its keys.</returns>
    /// <exception cref="WorkloadException">The options do not make a workload (an attested session without a TEE runtime).</exception>
    /// <exception cref="TeeException">The TEE runtime refused to start (a changed or unmeasured file, an injection setting).</exception>
    /// <exception cref="KmsException">The KMS cannot be opened.</exception>
    public static async Task<PpmlSession> OpenAsync(PpmlSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsKmsServer || options.Attestation == SessionAttestation.Owner)
        {
            IKeyManagementService plain = await KmsProvider.OpenAsync(
                options.KmsUri,
                new KmsConnectionOptions { Password = options.KmsPassword, ApiKey = options.ApiKey, CaCertificatePath = options.CaCertificatePath, TimeProvider = options.TimeProvider },
                cancellationToken).ConfigureAwait(false);
            return new PpmlSession(options, plain, tee: null, attested: null);
        }

        if (options.CreateTeeRuntimeAsync is null)
        {
            throw new WorkloadException(
                $"KMS {options.KmsUri} is a server, so this workload must attest, but no TEE runtime was given ({nameof(PpmlSessionOptions)}.{nameof(PpmlSessionOptions.CreateTeeRuntimeAsync)}).",
                isInvalidInput: true);
        }

        // The runtime first: it measures what runs and refuses injected code before anything talks to the KMS.
        TeeRuntime runtime = await options.CreateTeeRuntimeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (string.IsNullOrEmpty(options.ApiKey))
            {
                throw new WorkloadException($"KMS {options.KmsUri} needs an API key (it names the application; the workload's credential is its attestation).", isInvalidInput: true);
            }

            KmsClient client;
            using (X509Certificate2? ca = await TrustAnchorCheck.LoadAndVerifyAsync(runtime, options).ConfigureAwait(false))
            {
                client = new KmsClient(new Uri(options.KmsUri), options.ApiKey, ca);
            }

            var attested = new AttestedKeyService(client, runtime, options.AttestationPolicyId, options.TimeProvider, options.Diagnostics);
            return new PpmlSession(options, attested, runtime, attested);
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>Opens a DuckDB context whose encrypted inputs and outputs use this session's keys.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The context; dispose it before the session.</returns>
    public Task<PpmlContext> OpenContextAsync(CancellationToken cancellationToken = default) => OpenContextAsync(memoryLimit: null, cancellationToken);

    /// <summary>Opens a DuckDB context whose encrypted inputs and outputs use this session's keys, with a memory limit.</summary>
    /// <param name="memoryLimit">
    /// DuckDB's memory limit (<see cref="PpmlContextOptions.MemoryLimit"/>, for example <c>4GB</c>); <see langword="null"/> for
    /// the default, 70% of the memory available to the process.
    /// </param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The context; dispose it before the session.</returns>
    /// <exception cref="ArgumentException">DuckDB refused <paramref name="memoryLimit"/>.</exception>
    public Task<PpmlContext> OpenContextAsync(string? memoryLimit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PpmlContext.OpenAsync(Keys, CreateContextOptions(memoryLimit), cancellationToken);
    }

    /// <summary>
    /// The options <see cref="OpenContextAsync(string, CancellationToken)"/> opens a context with: this session's TEE label and
    /// default key, encrypted inputs required when attested (unless plaintext is allowed), and the memory limit.
    /// </summary>
    /// <param name="memoryLimit">DuckDB's memory limit; <see langword="null"/> for the default.</param>
    /// <returns>The options.</returns>
    public PpmlContextOptions CreateContextOptions(string? memoryLimit = null) => new()
    {
        TeeMode = TeeLabel,
        DefaultKeyName = DefaultKeyName,
        RequireEncryptedInputs = IsAttested && !Options.AllowPlaintextInputs,
        MemoryLimit = memoryLimit,
    };

    /// <summary>
    /// Opens a protected input for reading: the container is decrypted in memory (authenticated segment by segment);
    /// plaintext is read only where <see cref="ProtectedInputs"/> allows it.
    /// </summary>
    /// <param name="path">The input (with or without <c>.ppml</c>; the container wins when both exist).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A readable stream of the plaintext.</returns>
    /// <exception cref="WorkloadException">The input breaks a rule of <see cref="ProtectedInputs"/>.</exception>
    public async Task<Stream> OpenInputAsync(string path, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        (string file, bool container) = ProtectedInputs.Resolve(path, allowPlaintext: !IsAttested || Options.AllowPlaintextInputs);
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        if (!container)
        {
            return stream;
        }

        try
        {
            return await EnvelopeEncryption.OpenReadAsync(Keys, stream, leaveOpen: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (exception is KmsException or TeeException or WorkloadException || exception.Message.Contains(file, StringComparison.Ordinal))
            {
                throw;
            }

            // Container errors name the segment, not the file: say which input failed (a malformed one is bad input).
            throw new WorkloadException($"'{file}': {exception.Message}", isInvalidInput: exception is FormatException, exception);
        }
    }

    /// <summary>Writes <paramref name="path"/> as a container under <paramref name="keyName"/> (default: <see cref="DefaultKeyName"/>), atomically.</summary>
    /// <param name="path">The output file.</param>
    /// <param name="keyName">The KMS key; <see langword="null"/> for the session's default.</param>
    /// <param name="overwrite">Whether an existing file is replaced.</param>
    /// <param name="write">Writes the plaintext into the encrypting stream.</param>
    /// <param name="cancellationToken">Cancels the work; nothing is left behind.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public async Task WriteOutputAsync(string path, string? keyName, bool overwrite, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string key = keyName ?? DefaultKeyName;
        await AtomicFile.WriteAsync(
            path,
            async (file, token) =>
            {
                ContainerWriteStream container = await EnvelopeEncryption.CreateWriteAsync(Keys, key, file, leaveOpen: true, cancellationToken: token).ConfigureAwait(false);
                await using (container.ConfigureAwait(false))
                {
                    await write(container, token).ConfigureAwait(false);
                    await container.CompleteAsync(token).ConfigureAwait(false);
                }
            },
            overwrite,
            AtomicFile.OwnerOnly,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Keys.Dispose();
            Tee?.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
