using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ppml.Tee.Measurement;

/// <summary>
/// Measures and signs enclaves for simulation mode, and verifies them at start. MRENCLAVE is SHA-256 over every file
/// actually present in the application directory and every file of the .NET runtime it runs on (path and content hash,
/// sorted), and the trust anchors (KMS URL and CA hash); MRSIGNER is SHA-256 of the signing key's modulus in
/// little-endian order, as SGX defines it; the signature (RSASSA-PKCS1-v1_5, SHA-256) covers MRENCLAVE, the product id,
/// the version and the debug flag, so none can be changed without the signing key. Verification never takes MRENCLAVE
/// from the document: it enumerates and hashes the real files and recomputes it.
/// </summary>
public static partial class EnclaveSigner
{
    private static readonly byte[] s_measurementDomain = Encoding.ASCII.GetBytes("PPML-SIM-MRENCLAVE-v2\0");
    private static readonly byte[] s_signatureDomain = Encoding.ASCII.GetBytes("PPML-SIGSTRUCT-v1\0");

    /// <summary>
    /// Measures the application in the manifest's base directory (every file, and the runtime its
    /// <c>*.runtimeconfig.json</c> names in the current .NET installation) and signs the measurement; no trust anchors.
    /// </summary>
    /// <param name="manifest">The manifest (with an absolute base directory: the application directory).</param>
    /// <param name="signingKey">An RSA-3072 key with public exponent 3 (what <c>ppml keys enclave</c> makes).</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The signed enclave.</returns>
    /// <exception cref="TeeException">The key is not RSA-3072 with exponent 3, or the application directory cannot be measured.</exception>
    public static Task<SignedEnclave> SignAsync(EnclaveManifest manifest, RSA signingKey, CancellationToken cancellationToken = default) =>
        SignAsync(manifest, signingKey, trustAnchors: null, runtime: null, cancellationToken);

    /// <summary>Measures the application with its runtime and trust anchors, and signs the measurement.</summary>
    /// <param name="manifest">The manifest (with an absolute base directory: the application directory).</param>
    /// <param name="signingKey">An RSA-3072 key with public exponent 3 (what <c>ppml keys enclave</c> makes).</param>
    /// <param name="trustAnchors">The KMS URL and CA to fold into MRENCLAVE, or <see langword="null"/> for none.</param>
    /// <param name="runtime">
    /// The runtime to measure with the application; <see langword="null"/> for the frameworks the application's
    /// <c>*.runtimeconfig.json</c> names, resolved in the current .NET installation.
    /// </param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The signed enclave.</returns>
    /// <exception cref="TeeException">The key is not RSA-3072 with exponent 3, or the application directory cannot be measured.</exception>
    public static async Task<SignedEnclave> SignAsync(
        EnclaveManifest manifest, RSA signingKey, TrustAnchors? trustAnchors, IReadOnlyList<RuntimeComponent>? runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(signingKey);
        RSAParameters publicKey = signingKey.ExportParameters(includePrivateParameters: false);
        if (signingKey.KeySize != 3072 || publicKey.Exponent is not [3])
        {
            throw new TeeException(
                $"The enclave signing key must be RSA-3072 with public exponent 3 (SGX requires it); got RSA-{signingKey.KeySize} with exponent {Convert.ToHexString(publicKey.Exponent!)}. Create one with 'ppml keys enclave'.");
        }

        ValidateIds(manifest.IsvProdId, manifest.IsvSvn, "The manifest");
        string baseDirectory = Path.GetFullPath(manifest.BaseDirectory ?? throw new TeeException("The manifest has no base directory (the application directory to measure)."));
        runtime ??= RuntimeLocator.ForApplication(baseDirectory, AppContext.GetData);
        IReadOnlyList<TrustedFile> files = await MeasureAsync(baseDirectory, runtime, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0)
        {
            throw new TeeException($"Application directory '{baseDirectory}' holds no file to measure.");
        }

        string? kmsUrl = trustAnchors?.KmsUrl.AbsoluteUri;
        string? kmsCaSha256 = trustAnchors?.KmsCaSha256Hex;
        byte[] mrEnclave = ComputeMrEnclave(files, kmsUrl, kmsCaSha256);
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
            KmsUrl = kmsUrl,
            KmsCaSha256 = kmsCaSha256,
            Files = files,
            Modulus = Convert.ToBase64String(publicKey.Modulus!),
            Exponent = 3,
            Signature = Convert.ToBase64String(signature),
        };
    }

    /// <summary>
    /// Verifies the signed <paramref name="enclave"/> against the application in <paramref name="applicationDirectory"/>
    /// (default: this process's <see cref="AppContext.BaseDirectory"/>, never the directory recorded at signing) and the
    /// runtime its <c>*.runtimeconfig.json</c> names.
    /// </summary>
    /// <param name="enclave">The signed enclave.</param>
    /// <param name="applicationDirectory">The application directory to measure; <see langword="null"/> for this process's.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The verified identity.</returns>
    /// <exception cref="TeeException">The signature is invalid, a file is unmeasured, missing or differs (named), or the measurement differs.</exception>
    public static Task<EnclaveIdentity> VerifyAsync(SignedEnclave enclave, string? applicationDirectory = null, CancellationToken cancellationToken = default)
    {
        string directory = Path.GetFullPath(applicationDirectory ?? AppContext.BaseDirectory);
        return VerifyAsync(enclave, directory, RuntimeLocator.ForApplication(directory, AppContext.GetData), cancellationToken);
    }

    /// <summary>
    /// Verifies the signed <paramref name="enclave"/>: the signature; then the real files of
    /// <paramref name="applicationDirectory"/> and <paramref name="runtime"/> against the signed list (an unlisted file,
    /// a missing one or another hash is refused, named); then MRENCLAVE recomputed from the real files and the signed
    /// trust anchors must equal the signed one.
    /// </summary>
    /// <param name="enclave">The signed enclave.</param>
    /// <param name="applicationDirectory">The application directory to measure.</param>
    /// <param name="runtime">The runtime components to measure with it.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The verified identity.</returns>
    /// <exception cref="TeeException">The signature is invalid, a file is unmeasured, missing or differs (named), or the measurement differs.</exception>
    public static async Task<EnclaveIdentity> VerifyAsync(
        SignedEnclave enclave, string applicationDirectory, IReadOnlyList<RuntimeComponent> runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(enclave);
        ArgumentNullException.ThrowIfNull(applicationDirectory);
        ArgumentNullException.ThrowIfNull(runtime);
        if (enclave.Format != SignedEnclave.CurrentFormat)
        {
            throw new TeeException(
                $"Signed enclave format '{enclave.Format}' is not supported (expected {SignedEnclave.CurrentFormat}, which measures every file and the runtime); sign the application again with 'ppml enclave sign'.");
        }

        ValidateIds(enclave.IsvProdId, enclave.IsvSvn, "The signed enclave");
        byte[] modulus = DecodeBase64(enclave.Modulus, "modulus");
        byte[] signedMrEnclave = DecodeHex(enclave.MrEnclave, "mrEnclave");
        using (RSA rsa = RSA.Create())
        {
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = [3] });
            byte[] body = SignedBody(signedMrEnclave, (ushort)enclave.IsvProdId, (ushort)enclave.IsvSvn, enclave.Debug);
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

        _ = ReadTrustAnchors(enclave); // well-formed, both or neither

        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TrustedFile file in enclave.Files ?? [])
        {
            if (file?.Path is null || file.Sha256 is null || !listed.TryAdd(file.Path, file.Sha256))
            {
                throw new TeeException($"The signed enclave lists a file twice or without a path and hash ('{file?.Path}'); sign the application again.");
            }
        }

        // The real files, never the document's list: an unlisted file is refused before anything is hashed.
        IReadOnlyList<MeasuredEntry> present = ApplicationMeasurement.Enumerate(applicationDirectory, runtime);
        foreach (MeasuredEntry entry in present)
        {
            if (!listed.ContainsKey(entry.Name))
            {
                throw new TeeException(
                    $"Unmeasured file {entry.Display} is present but not in the signed measurement; remove it (or sign the application again if it belongs there). Refusing to produce evidence.");
            }
        }

        var presentNames = present.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in listed.Keys.Order(StringComparer.Ordinal))
        {
            if (!presentNames.Contains(name))
            {
                string where = name.StartsWith(RuntimeComponent.Prefix, StringComparison.Ordinal) ? name : Path.Combine(applicationDirectory, name);
                throw new TeeException($"Trusted file '{where}' is missing; refusing to produce evidence.");
            }
        }

        IReadOnlyList<TrustedFile> actual = await ApplicationMeasurement.HashAsync(present, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < present.Count; i++)
        {
            if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual[i].Sha256), DecodeHex(listed[actual[i].Path], actual[i].Path)))
            {
                throw new TeeException($"Trusted file {present[i].Display} differs from the enclave measurement; refusing to produce evidence.");
            }
        }

        byte[] mrEnclave = ComputeMrEnclave(actual, enclave.KmsUrl, enclave.KmsCaSha256);
        if (!CryptographicOperations.FixedTimeEquals(mrEnclave, signedMrEnclave))
        {
            throw new TeeException(
                $"MRENCLAVE of '{applicationDirectory}' with the recorded trust anchors is {Convert.ToHexStringLower(mrEnclave)}, not the signed {enclave.MrEnclave}: the signed document was edited (a trust anchor?) after signing; sign the application again.");
        }

        return new EnclaveIdentity(mrEnclave, mrSigner, (ushort)enclave.IsvProdId, (ushort)enclave.IsvSvn, enclave.Debug);
    }

    /// <summary>
    /// Measures <paramref name="applicationDirectory"/> and <paramref name="runtime"/> as signing and verification do,
    /// and returns MRENCLAVE for those files and <paramref name="trustAnchors"/> (no signature, no comparison).
    /// </summary>
    /// <param name="applicationDirectory">The application directory.</param>
    /// <param name="runtime">The runtime components.</param>
    /// <param name="trustAnchors">The trust anchors, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>MRENCLAVE (32 bytes).</returns>
    public static async Task<byte[]> ComputeMrEnclaveAsync(
        string applicationDirectory, IReadOnlyList<RuntimeComponent> runtime, TrustAnchors? trustAnchors, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TrustedFile> files = await MeasureAsync(Path.GetFullPath(applicationDirectory), runtime, cancellationToken).ConfigureAwait(false);
        return ComputeMrEnclave(files, trustAnchors?.KmsUrl.AbsoluteUri, trustAnchors?.KmsCaSha256Hex);
    }

    /// <summary>The trust anchors recorded in a signed enclave (verify it first), or <see langword="null"/> when it records none.</summary>
    /// <param name="enclave">The signed enclave.</param>
    /// <returns>The anchors.</returns>
    /// <exception cref="TeeException">Only one of the two is recorded, or one is malformed.</exception>
    public static TrustAnchors? ReadTrustAnchors(SignedEnclave enclave)
    {
        ArgumentNullException.ThrowIfNull(enclave);
        return TrustAnchorsFile.FromFields(enclave.KmsUrl, enclave.KmsCaSha256, "The signed enclave");
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

    internal static byte[] ComputeMrEnclave(IReadOnlyList<TrustedFile> sortedFiles, string? kmsUrl, string? kmsCaSha256)
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

        // End of the file list (-1 is no path length), then the trust anchors: 0, or 1 || len || URL || CA SHA-256.
        BinaryPrimitives.WriteInt32LittleEndian(length, -1);
        hash.AppendData(length);
        if (kmsUrl is null && kmsCaSha256 is null)
        {
            hash.AppendData([0]);
        }
        else
        {
            byte[] url = Encoding.UTF8.GetBytes(kmsUrl ?? string.Empty);
            hash.AppendData([1]);
            BinaryPrimitives.WriteInt32LittleEndian(length, url.Length);
            hash.AppendData(length);
            hash.AppendData(url);
            hash.AppendData(DecodeHex(kmsCaSha256 ?? string.Empty, "kmsCaSha256"));
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

    private static async Task<IReadOnlyList<TrustedFile>> MeasureAsync(string applicationDirectory, IReadOnlyList<RuntimeComponent> runtime, CancellationToken cancellationToken) =>
        await ApplicationMeasurement.HashAsync(ApplicationMeasurement.Enumerate(applicationDirectory, runtime), cancellationToken).ConfigureAwait(false);

    private static void ValidateIds(int isvProdId, int isvSvn, string what)
    {
        if (isvProdId is < 0 or > ushort.MaxValue || isvSvn is < 0 or > ushort.MaxValue)
        {
            throw new TeeException($"{what}: isvProdId and isvSvn must be between 0 and 65535.");
        }
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
