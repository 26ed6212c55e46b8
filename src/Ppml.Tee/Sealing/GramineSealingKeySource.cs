using System.Security.Cryptography;
using System.Text;
using Ppml.Tee.IO;

namespace Ppml.Tee.Sealing;

/// <summary>
/// Gramine's SGX sealing keys: <c>/dev/attestation/keys/_sgx_mrenclave</c> and <c>_sgx_mrsigner</c> (16 bytes each,
/// derived by the CPU with EGETKEY), stretched to 32 bytes with HKDF-SHA256.
/// </summary>
public sealed class GramineSealingKeySource : ISealingKeySource
{
    private readonly ITeeFileSystem _fileSystem;

    /// <summary>Creates the source over <paramref name="fileSystem"/>.</summary>
    /// <param name="fileSystem">The file system holding <c>/dev/attestation/keys</c>.</param>
    public GramineSealingKeySource(ITeeFileSystem fileSystem)
    {
        _fileSystem = fileSystem;
    }

    /// <inheritdoc />
    public async Task<byte[]> GetKeyAsync(SealingPolicy policy, CancellationToken cancellationToken = default)
    {
        string path = policy == SealingPolicy.MrEnclave ? "/dev/attestation/keys/_sgx_mrenclave" : "/dev/attestation/keys/_sgx_mrsigner";
        if (!_fileSystem.FileExists(path))
        {
            throw new TeeException($"Gramine sealing key '{path}' is not available.");
        }

        byte[] raw = await _fileSystem.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            if (raw.Length != 16)
            {
                throw new TeeException($"Gramine sealing key '{path}' is {raw.Length} bytes; expected 16.");
            }

            return HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, salt: [], info: Encoding.ASCII.GetBytes("ppml-seal-v1/" + policy));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }
}
