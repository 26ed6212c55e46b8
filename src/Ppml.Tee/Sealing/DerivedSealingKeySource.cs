using System.Security.Cryptography;
using System.Text;
using Ppml.Core.IO;
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

    /// <summary>The length of a secret written by <see cref="WriteNewSecretAsync"/>.</summary>
    public const int SecretLength = 32;

    /// <summary>Writes a fresh random platform secret (the simulated fuse key) to <paramref name="path"/>, mode 0600, atomically.</summary>
    /// <param name="path">The file to create; an existing file is not replaced.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the secret is on disk.</returns>
    public static async Task WriteNewSecretAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] secret = RandomNumberGenerator.GetBytes(SecretLength);
        try
        {
            await SecretFiles.WriteAllBytesAsync(path, secret, overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Reads a platform secret written by <see cref="WriteNewSecretAsync"/>; refuses one others can read.</summary>
    /// <param name="path">The secret file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret; the caller zeroes it.</returns>
    /// <exception cref="TeeException">The file is missing, readable by group or others, or shorter than 32 bytes.</exception>
    public static async Task<byte[]> ReadSecretAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new TeeException($"Simulation seal secret '{path}' is missing; 'ppml init' creates it (or restore it: sealed data needs it).");
        }

        byte[] secret;
        try
        {
            secret = await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false);
        }
        catch (InsecureFileException exception)
        {
            throw new TeeException($"Simulation seal secret {exception.Message}", exception);
        }

        if (secret.Length < SecretLength)
        {
            CryptographicOperations.ZeroMemory(secret);
            throw new TeeException($"Simulation seal secret '{path}' is {secret.Length} bytes; at least {SecretLength} are required.");
        }

        return secret;
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
