using System.Security.Cryptography;
using System.Text;
using Ppml.Tee.Measurement;

namespace Ppml.Tee.Sealing;

/// <summary>
/// Simulation-mode sealing: HKDF-SHA256 over a per-platform secret (the simulated CPU's fuse key, kept in the
/// workspace) with the enclave identity as context, so a different MRENCLAVE (or MRSIGNER) derives a different key
/// — the same binding SGX gives, without hardware protection of the secret.
/// </summary>
public sealed class DerivedSealingKeySource : ISealingKeySource, IDisposable
{
    private readonly byte[] _platformSecret;
    private readonly EnclaveIdentity _identity;

    /// <summary>Creates the source.</summary>
    /// <param name="platformSecret">At least 32 random bytes; copied.</param>
    /// <param name="identity">The verified enclave identity.</param>
    public DerivedSealingKeySource(ReadOnlySpan<byte> platformSecret, EnclaveIdentity identity)
    {
        if (platformSecret.Length < 32)
        {
            throw new ArgumentException("The platform secret must be at least 32 bytes.", nameof(platformSecret));
        }

        _platformSecret = platformSecret.ToArray();
        _identity = identity;
    }

    /// <inheritdoc />
    public Task<byte[]> GetKeyAsync(SealingPolicy policy, CancellationToken cancellationToken = default)
    {
        byte[] context = policy == SealingPolicy.MrEnclave
            ? [.. Encoding.ASCII.GetBytes("ppml-seal-v1/MrEnclave/"), .. _identity.MrEnclave]
            : [.. Encoding.ASCII.GetBytes("ppml-seal-v1/MrSigner/"), .. _identity.MrSigner, (byte)(_identity.IsvProdId >> 8), (byte)_identity.IsvProdId];
        return Task.FromResult(HKDF.DeriveKey(HashAlgorithmName.SHA256, _platformSecret, 32, salt: [], info: context));
    }

    /// <inheritdoc />
    public void Dispose() => CryptographicOperations.ZeroMemory(_platformSecret);
}
