using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Core.IO;
using static Ppml.Attestation.Simulation.SimulatedPlatformFiles;

namespace Ppml.Attestation.Simulation;

public sealed partial class SimulatedPlatform
{
    private const string FormatName = "ppml-simulated-platform/1";

    /// <summary>
    /// Writes the platform to <paramref name="directory"/> (see <see cref="SimulatedPlatformFiles"/>): certificates
    /// and chains as PEM, CRLs as DER, TCB Info, QE Identities and collateral bundles as JSON, private keys as PKCS#8
    /// PEM. Every file is written atomically, mode 0600 in a 0700 directory (<see cref="SecretFiles"/>: the keys are secrets,
    /// the rest trust anchors of simulated quotes).
    /// </summary>
    /// <param name="directory">Target directory; created if missing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when every file is on disk.</returns>
    public async Task SaveAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        SecretFiles.CreateDirectory(directory);
        async Task Write(string name, ReadOnlyMemory<byte> content) =>
            await SecretFiles.WriteAllBytesAsync(Path.Combine(directory, name), content, overwrite: true, cancellationToken).ConfigureAwait(false);
        async Task WriteKey(string name, ECDsa key)
        {
            char[] pem = key.ExportPkcs8PrivateKeyPem().ToCharArray();
            byte[] bytes = Encoding.ASCII.GetBytes(pem);
            try
            {
                await Write(name, bytes).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
                Array.Clear(pem);
            }
        }

        await WriteKey(RootKey, _rootKey).ConfigureAwait(false);
        await WriteKey(PckCaKey, _pckCaKey).ConfigureAwait(false);
        await WriteKey(PckKey, _pckKey).ConfigureAwait(false);
        await WriteKey(TcbSigningKey, _tcbSigningKey).ConfigureAwait(false);
        await WriteKey(AttestationKey, _attestationKey).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.RootCertificate, Encoding.ASCII.GetBytes(Pem(RootCertificate))).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.PckCaCertificate, Encoding.ASCII.GetBytes(Pem(PckCaCertificate))).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.PckCertificate, Encoding.ASCII.GetBytes(Pem(PckCertificate))).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.TcbSigningCertificate, Encoding.ASCII.GetBytes(Pem(TcbSigningCertificate))).ConfigureAwait(false);
        await Write(PckChain, Encoding.ASCII.GetBytes(PckCertificateChainPem)).ConfigureAwait(false);
        await Write(TcbSigningChain, Encoding.ASCII.GetBytes(TcbSigningChainPem)).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.RootCaCrl, RootCaCrl).ConfigureAwait(false);
        await Write(SimulatedPlatformFiles.PckCrl, PckCrl).ConfigureAwait(false);
        await Write(SgxTcbInfo, SgxTcbInfoJson).ConfigureAwait(false);
        await Write(TdxTcbInfo, TdxTcbInfoJson).ConfigureAwait(false);
        await Write(QeIdentity, QeIdentityJson).ConfigureAwait(false);
        await Write(TdQeIdentity, TdQeIdentityJson).ConfigureAwait(false);
        await Write(SgxCollateral, GetCollateralBundleJson(TeeType.Sgx)).ConfigureAwait(false);
        await Write(TdxCollateral, GetCollateralBundleJson(TeeType.Tdx)).ConfigureAwait(false);
        await Write(Platform, StateJson()).ConfigureAwait(false);
    }

    /// <summary>Loads a platform saved by <see cref="SaveAsync"/>.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The platform, able to sign quotes again.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="AttestationFormatException">A file is malformed.</exception>
    public static async Task<SimulatedPlatform> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        async Task<byte[]> Read(string name, SecretFileKind kind = SecretFileKind.TrustAnchor)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"Simulated platform file '{path}' is missing; create the platform with 'ppml attest sim-platform --out {directory}'.", path);
            }

            return await SecretFiles.ReadAllBytesAsync(path, kind, cancellationToken).ConfigureAwait(false);
        }

        async Task<byte[]> Certificate(string name)
        {
            CertificateChain chain = CertificateChain.Parse(await Read(name).ConfigureAwait(false), name);
            return chain.Certificates[0].ToArray();
        }

        var keys = new List<ECDsa>();
        async Task<ECDsa> Key(string name)
        {
            byte[] pem = await Read(name, SecretFileKind.Secret).ConfigureAwait(false);
            var key = ECDsa.Create();
            keys.Add(key);
            try
            {
                key.ImportFromPem(Encoding.ASCII.GetString(pem));
            }
            catch (Exception exception) when (exception is CryptographicException or ArgumentException)
            {
                throw new AttestationFormatException($"{name}: not a PKCS#8 PEM EC private key ({exception.Message}).", name, null, exception);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pem);
            }

            return key;
        }

        try
        {
            var loadedKeys = new Keys(
                await Key(RootKey).ConfigureAwait(false),
                await Key(PckCaKey).ConfigureAwait(false),
                await Key(PckKey).ConfigureAwait(false),
                await Key(TcbSigningKey).ConfigureAwait(false),
                await Key(AttestationKey).ConfigureAwait(false));
            var artifacts = new Artifacts(
                await Certificate(SimulatedPlatformFiles.RootCertificate).ConfigureAwait(false),
                await Certificate(SimulatedPlatformFiles.PckCaCertificate).ConfigureAwait(false),
                await Certificate(SimulatedPlatformFiles.PckCertificate).ConfigureAwait(false),
                await Certificate(SimulatedPlatformFiles.TcbSigningCertificate).ConfigureAwait(false),
                RevocationList.Parse(await Read(SimulatedPlatformFiles.RootCaCrl).ConfigureAwait(false), SimulatedPlatformFiles.RootCaCrl).Der.ToArray(),
                RevocationList.Parse(await Read(SimulatedPlatformFiles.PckCrl).ConfigureAwait(false), SimulatedPlatformFiles.PckCrl).Der.ToArray(),
                await Read(SgxTcbInfo).ConfigureAwait(false),
                await Read(TdxTcbInfo).ConfigureAwait(false),
                await Read(QeIdentity).ConfigureAwait(false),
                await Read(TdQeIdentity).ConfigureAwait(false));
            PlatformState state = ParseState(await Read(Platform).ConfigureAwait(false));
            var platform = new SimulatedPlatform(loadedKeys, artifacts, state);
            keys.Clear();
            return platform;
        }
        finally
        {
            foreach (ECDsa key in keys)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>
    /// Creates a platform (<see cref="CreateAsync"/>) and saves it to <paramref name="directory"/> (<see cref="SaveAsync"/>):
    /// what a host does once to give a machine without a TEE its simulated platform. Existing files are replaced.
    /// </summary>
    /// <param name="directory">Target directory; created if missing.</param>
    /// <param name="options">TCB position and faults; <see langword="null"/> for a healthy, up-to-date platform.</param>
    /// <param name="timeProvider">The clock for validity periods; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="cancellationToken">Cancels creation and the write.</param>
    /// <returns>The saved platform; dispose it to release its keys.</returns>
    public static async Task<SimulatedPlatform> CreateSavedAsync(
        string directory,
        SimulatedPlatformOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        SimulatedPlatform platform = await CreateAsync(options, timeProvider, cancellationToken).ConfigureAwait(false);
        try
        {
            await platform.SaveAsync(directory, cancellationToken).ConfigureAwait(false);
            return platform;
        }
        catch
        {
            platform.Dispose();
            throw;
        }
    }

    private byte[] StateJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteString("note", "Simulated platform: NOT an Intel TEE. Its root CA is trusted only when passed explicitly.");
            writer.WriteString("fmspc", Convert.ToHexStringLower(_state.Fmspc));
            writer.WriteString("pceId", Convert.ToHexStringLower(_state.PceId));
            writer.WriteString("sgxTcbComponents", Convert.ToHexStringLower(_state.SgxComponents));
            writer.WriteNumber("pceSvn", _state.PceSvn);
            writer.WriteNumber("qeIsvSvn", _state.QeIsvSvn);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static PlatformState ParseState(byte[] json) => PlatformStateJson.Guard(Platform, () => ParseStateCore(json));

    private static PlatformState ParseStateCore(byte[] json)
    {
        using JsonDocument document = PlatformStateJson.Parse(json, Platform);
        JsonElement root = document.RootElement;
        string format = PlatformStateJson.String(root, "format", Platform, "$");
        if (format != FormatName)
        {
            throw PlatformStateJson.Error(Platform, "format", $"is '{format}'; expected '{FormatName}'");
        }

        return new PlatformState
        {
            Fmspc = PlatformStateJson.HexBytes(root, "fmspc", 6, Platform, "$"),
            PceId = PlatformStateJson.HexBytes(root, "pceId", 2, Platform, "$"),
            SgxComponents = PlatformStateJson.HexBytes(root, "sgxTcbComponents", 16, Platform, "$"),
            PceSvn = (int)PlatformStateJson.UnsignedInteger(root, "pceSvn", ushort.MaxValue, Platform, "$"),
            QeIsvSvn = (int)PlatformStateJson.UnsignedInteger(root, "qeIsvSvn", ushort.MaxValue, Platform, "$"),
        };
    }
}
