using System.Security.Cryptography;
using Ppml.Core;
using Ppml.Kms;
using Ppml.Kms.Remote;
using Ppml.Tee;

namespace Ppml.Workloads.Keys;

/// <summary>
/// The key service of an attested workload over a KMS server. Before the first data key it proves what runs (a quote
/// from the TEE runtime binding a fresh P-256 runtime key that lives in memory only), and from then on data keys arrive
/// only released to that key; keys of outputs are drawn here and only wrapped by the KMS. The token is renewed before it
/// expires. Thread-safe.
/// </summary>
internal sealed class AttestedKeyService : IKeyManagementService
{
    private readonly KmsClient _client;
    private readonly TeeRuntime _runtime;
    private readonly string? _configuredPolicyId;
    private readonly TimeProvider _timeProvider;
    private readonly TextWriter? _diagnostics;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string?> _policyOfKey = new(StringComparer.Ordinal);
    private readonly List<ECDiffieHellman> _runtimeKeys = [];
    private string? _attestedPolicyId;
    private DateTimeOffset _renewAt;
    private bool _disposed;

    public AttestedKeyService(KmsClient client, TeeRuntime runtime, string? policyId, TimeProvider timeProvider, TextWriter? diagnostics)
    {
        _client = client;
        _runtime = runtime;
        _configuredPolicyId = policyId;
        _timeProvider = timeProvider;
        _diagnostics = diagnostics;
    }

    public string Description => _client.Description;

    /// <summary>How many times this session attested (renewals included).</summary>
    public int AttestationCount { get; private set; }

    /// <summary>Wall time spent attesting (quote, verification by the KMS, token), summed.</summary>
    public TimeSpan AttestationTime { get; private set; }

    public Task<PrimaryKeyInfo> CreateKeyAsync(string name, CancellationToken cancellationToken = default) => _client.CreateKeyAsync(name, cancellationToken);

    public Task<IReadOnlyList<PrimaryKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) => _client.ListKeysAsync(cancellationToken);

    public Task<PrimaryKeyInfo> RotateKeyAsync(string name, CancellationToken cancellationToken = default) => _client.RotateKeyAsync(name, cancellationToken);

    public async Task<DataKey> GenerateDataKeyAsync(string keyName, CancellationToken cancellationToken = default)
    {
        await EnsureAttestedAsync(keyName, cancellationToken).ConfigureAwait(false);
        return await _client.GenerateDataKeyAsync(keyName, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> UnwrapDataKeyAsync(string keyName, int keyVersion, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default)
    {
        await EnsureAttestedAsync(keyName, cancellationToken).ConfigureAwait(false);
        return await _client.UnwrapDataKeyAsync(keyName, keyVersion, wrappedKey, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _client.Dispose();
        foreach (ECDiffieHellman key in _runtimeKeys)
        {
            key.Dispose();
        }

        _runtimeKeys.Clear();
        _gate.Dispose();
    }

    private async Task EnsureAttestedAsync(string keyName, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string policyId = await PolicyForAsync(keyName, cancellationToken).ConfigureAwait(false);
            if (policyId == _attestedPolicyId && _timeProvider.GetUtcNow() < _renewAt)
            {
                return;
            }

            await AttestAsync(policyId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> PolicyForAsync(string keyName, CancellationToken cancellationToken)
    {
        if (_configuredPolicyId is not null)
        {
            return _configuredPolicyId;
        }

        if (!_policyOfKey.TryGetValue(keyName, out string? policyId))
        {
            KeyDescription key = await _client.DescribeKeyAsync(keyName, cancellationToken).ConfigureAwait(false);
            policyId = key.ReleasePolicy?.PolicyId;
            _policyOfKey[keyName] = policyId;
        }

        // A key without a release policy of its own is still used attested: under the policy this session already holds.
        return policyId ?? _attestedPolicyId ?? throw new WorkloadException(
            $"Key '{keyName}' has no release policy naming an attestation policy, and this workload attests to KMS {_client.Description}: " +
            "pass --policy ID (an attestation policy registered on the KMS), or give the key a release policy with a policyId.",
            isInvalidInput: true);
    }

    private async Task AttestAsync(string policyId, CancellationToken cancellationToken)
    {
        long started = _timeProvider.GetTimestamp();
        (AttestResponse response, ECDiffieHellman runtimeKey) = await WorkloadAttestation.AttestAsync(_client, _runtime.Evidence, policyId, cancellationToken).ConfigureAwait(false);
        _runtimeKeys.Add(runtimeKey); // kept until disposal: an unwrap in flight may still use an earlier key

        // Renew at four fifths of the token's life, so a long job never presents an expired token.
        DateTimeOffset now = _timeProvider.GetUtcNow();
        TimeSpan life = response.ExpiresAt - now;
        _renewAt = life > TimeSpan.Zero ? now + (life * 4 / 5) : now;
        _attestedPolicyId = policyId;
        AttestationCount++;
        TimeSpan elapsed = _timeProvider.GetElapsedTime(started);
        AttestationTime += elapsed;
        if (_diagnostics is not null)
        {
            string tee = _runtime.Kind.ToName();
            string warning = _runtime.IsSimulation ? " SIMULATION: the quote is simulated and memory is not hardware-protected." : string.Empty;
            await _diagnostics.WriteLineAsync(
                $"Attested ({tee}) to KMS {_client.Description} under policy '{policyId}' in {elapsed.TotalMilliseconds:0} ms; " +
                $"data keys are released to this process only, until {response.ExpiresAt:u}.{warning}").ConfigureAwait(false);
        }
    }
}
