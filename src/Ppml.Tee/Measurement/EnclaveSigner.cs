using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ppml.Tee.Measurement;

/// <summary>
/// Measures and signs enclaves for simulation mode, and verifies them at start. MRENCLAVE is SHA-256 over the
/// sorted trusted files (path and content hash); MRSIGNER is SHA-256 of the signing key's modulus in
/// little-endian order, as SGX defines it; the signature (RSASSA-PKCS1-v1_5, SHA-256) covers MRENCLAVE, the
/// product id, the version and the debug flag, so none can be changed without the signing key.
/// </summary>
public static class EnclaveSigner
{
    private static readonly byte[] s_measurementDomain = Encoding.ASCII.GetBytes("PPML-SIM-MRENCLAVE-v1\0");
    private static readonly byte[] s_signatureDomain = Encoding.ASCII.GetBytes("PPML-SIGSTRUCT-v1\0");

    /// <summary>Measures the manifest's trusted files and signs the measurement with <paramref name="signingKey"/>.</summary>
    /// <param name="manifest">The manifest (with an absolute base directory).</param>
    /// <param name="signingKey">An RSA-3072 key with public exponent 3 (what <c>ppml keys enclave</c> makes).</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The signed enclave.</returns>
    /// <exception cref="TeeException">The key is not RSA-3072 with exponent 3, or no file matches the manifest.</exception>
    public static async Task<SignedEnclave> SignAsync(EnclaveManifest manifest, RSA signingKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(signingKey);
        RSAParameters publicKey = signingKey.ExportParameters(includePrivateParameters: false);
        if (signingKey.KeySize != 3072 || publicKey.Exponent is not [3])
        {
            throw new TeeException(
                $"The enclave signing key must be RSA-3072 with public exponent 3 (SGX requires it); got RSA-{signingKey.KeySize} with exponent {Convert.ToHexString(publicKey.Exponent!)}. Create one with 'ppml keys enclave'.");
        }

        string baseDirectory = manifest.BaseDirectory ?? throw new TeeException("The manifest has no base directory.");
        IReadOnlyList<TrustedFile> files = await HashFilesAsync(baseDirectory, manifest.TrustedFiles, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0)
        {
            throw new TeeException($"No file under '{baseDirectory}' matches the manifest's trustedFiles ({string.Join(", ", manifest.TrustedFiles)}).");
        }

        byte[] mrEnclave = ComputeMrEnclave(files);
        byte[] mrSigner = ComputeMrSigner(publicKey.Modulus!);
        byte[] body = SignedBody(mrEnclave, (ushort)manifest.IsvProdId, (ushort)manifest.IsvSvn, manifest.Debug);
        byte[] signature = signingKey.SignData(body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new SignedEnclave
        {
            Name = manifest.Name,
            MrEnclave = Convert.ToHexStringLower(mrEnclave),
            MrSigner = Convert.ToHexStringLower(mrSigner),
            IsvProdId = manifest.IsvProdId,
            IsvSvn = manifest.IsvSvn,
            Debug = manifest.Debug,
            BaseDirectory = baseDirectory,
            Files = files,
            Modulus = Convert.ToBase64String(publicKey.Modulus!),
            Exponent = 3,
            Signature = Convert.ToBase64String(signature),
        };
    }

    /// <summary>
    /// Verifies the signed <paramref name="enclave"/>: the signature, then every trusted file under <paramref name="baseDirectory"/>.
    /// </summary>
    /// <param name="enclave">The signed enclave.</param>
    /// <param name="baseDirectory">Where the files are now (default: the directory recorded at signing).</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The verified identity.</returns>
    /// <exception cref="TeeException">The signature is invalid, or a trusted file is missing or differs (named).</exception>
    public static async Task<EnclaveIdentity> VerifyAsync(SignedEnclave enclave, string? baseDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(enclave);
        if (enclave.Format != SignedEnclave.CurrentFormat)
        {
            throw new TeeException($"Signed enclave format '{enclave.Format}' is not supported (expected {SignedEnclave.CurrentFormat}).");
        }

        byte[] modulus = DecodeBase64(enclave.Modulus, "modulus");
        byte[] mrEnclave = DecodeHex(enclave.MrEnclave, "mrEnclave");
        using (RSA rsa = RSA.Create())
        {
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = [3] });
            byte[] body = SignedBody(mrEnclave, (ushort)enclave.IsvProdId, (ushort)enclave.IsvSvn, enclave.Debug);
            if (enclave.Exponent != 3 || !rsa.VerifyData(body, DecodeBase64(enclave.Signature, "signature"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                throw new TeeException("The enclave signature does not verify: the measurement, product id, version or debug flag was changed after signing.");
            }
        }

        byte[] mrSigner = ComputeMrSigner(modulus);
        if (!CryptographicOperations.FixedTimeEquals(mrSigner, DecodeHex(enclave.MrSigner, "mrSigner")))
        {
            throw new TeeException("mrSigner does not match the signing key's modulus.");
        }

        var sortedFiles = enclave.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (!CryptographicOperations.FixedTimeEquals(ComputeMrEnclave(sortedFiles), mrEnclave))
        {
            throw new TeeException("mrEnclave does not match the listed trusted files: the signed enclave was edited.");
        }

        string root = baseDirectory ?? enclave.BaseDirectory;
        foreach (TrustedFile file in sortedFiles)
        {
            string path = Path.Combine(root, file.Path);
            if (!File.Exists(path))
            {
                throw new TeeException($"Trusted file '{path}' is missing; refusing to produce evidence.");
            }

            byte[] actual = await HashFileAsync(path, cancellationToken).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(actual, DecodeHex(file.Sha256, file.Path)))
            {
                throw new TeeException($"Trusted file '{path}' differs from the enclave measurement; refusing to produce evidence.");
            }
        }

        return new EnclaveIdentity(mrEnclave, mrSigner, (ushort)enclave.IsvProdId, (ushort)enclave.IsvSvn, enclave.Debug);
    }

    /// <summary>Loads a signed enclave file.</summary>
    /// <param name="path">The JSON written by <c>ppml enclave sign</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document.</returns>
    public static async Task<SignedEnclave> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            byte[] json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(json, TeeJsonContext.Default.SignedEnclave)
                ?? throw new TeeException($"'{path}' is empty.");
        }
        catch (JsonException exception)
        {
            throw new TeeException($"'{path}' is not a signed enclave: {exception.Message}", exception);
        }
    }

    /// <summary>Serializes a signed enclave (indented JSON, UTF-8).</summary>
    /// <param name="enclave">The document.</param>
    /// <returns>The bytes to write.</returns>
    public static byte[] Serialize(SignedEnclave enclave) => JsonSerializer.SerializeToUtf8Bytes(enclave, TeeJsonContext.Default.SignedEnclave);

    /// <summary>MRSIGNER: SHA-256 of the modulus in little-endian byte order (SGX SDM, SIGSTRUCT.MODULUS).</summary>
    /// <param name="bigEndianModulus">The modulus as .NET exports it (big-endian).</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeMrSigner(ReadOnlySpan<byte> bigEndianModulus)
    {
        byte[] littleEndian = bigEndianModulus.ToArray();
        Array.Reverse(littleEndian);
        return SHA256.HashData(littleEndian);
    }

    internal static byte[] ComputeMrEnclave(IReadOnlyList<TrustedFile> sortedFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(s_measurementDomain);
        Span<byte> length = stackalloc byte[4];
        foreach (TrustedFile file in sortedFiles)
        {
            byte[] path = Encoding.UTF8.GetBytes(file.Path);
            BinaryPrimitives.WriteInt32LittleEndian(length, path.Length);
            hash.AppendData(length);
            hash.AppendData(path);
            hash.AppendData(DecodeHex(file.Sha256, file.Path));
        }

        return hash.GetHashAndReset();
    }

    private static byte[] SignedBody(byte[] mrEnclave, ushort isvProdId, ushort isvSvn, bool debug)
    {
        byte[] body = new byte[s_signatureDomain.Length + 32 + 2 + 2 + 1];
        s_signatureDomain.CopyTo(body, 0);
        mrEnclave.CopyTo(body, s_signatureDomain.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(s_signatureDomain.Length + 32), isvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(s_signatureDomain.Length + 34), isvSvn);
        body[^1] = debug ? (byte)1 : (byte)0;
        return body;
    }

    private static async Task<IReadOnlyList<TrustedFile>> HashFilesAsync(string baseDirectory, IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(baseDirectory))
        {
            throw new TeeException($"Base directory '{baseDirectory}' does not exist.");
        }

        Regex[] matchers = [.. patterns.Select(GlobToRegex)];
        var files = new List<TrustedFile>();
        foreach (string path in Directory.EnumerateFiles(baseDirectory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(baseDirectory, path).Replace(Path.DirectorySeparatorChar, '/');
            if (matchers.Any(m => m.IsMatch(relative)))
            {
                files.Add(new TrustedFile(relative, Convert.ToHexStringLower(await HashFileAsync(path, cancellationToken).ConfigureAwait(false))));
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static Regex GlobToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 2 < glob.Length + 1 && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool slash = i + 2 < glob.Length && glob[i + 2] == '/';
                pattern.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                pattern.Append("[^/]*");
            }
            else if (c == '?')
            {
                pattern.Append("[^/]");
            }
            else
            {
                pattern.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static byte[] DecodeHex(string hex, string field)
    {
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException exception)
        {
            throw new TeeException($"Signed enclave field '{field}' is not hex.", exception);
        }
    }

    private static byte[] DecodeBase64(string base64, string field)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException exception)
        {
            throw new TeeException($"Signed enclave field '{field}' is not base64.", exception);
        }
    }
}
