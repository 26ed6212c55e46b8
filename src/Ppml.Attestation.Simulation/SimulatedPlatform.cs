using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Simulation;

/// <summary>
/// A simulated SGX/TDX platform for machines without a TEE: a test PKI shaped like Intel's (root CA, PCK Platform
/// CA, PCK certificate with the SGX extension, TCB signing certificate, CRLs), signed TCB Info (SGX and TDX) and QE
/// Identities in Intel PCS's JSON shapes, and a simulated quoting enclave that signs quotes in the exact SGX v3 and
/// TDX v4/v5 layouts. Its root is never trusted by default: pass <see cref="RootCertificate"/> to the verifier
/// explicitly. Private keys stay in memory until <see cref="SaveAsync"/> writes them as PKCS#8 PEM, mode 0600.
/// </summary>
public sealed partial class SimulatedPlatform : IDisposable
{
    private const string Organization = "O=PPML for .NET Simulation, L=Nowhere, C=ZZ";
    private const string SgxExtensionOid = "1.2.840.113741.1.13.1";

    private readonly ECDsa _rootKey;
    private readonly ECDsa _pckCaKey;
    private readonly ECDsa _pckKey;
    private readonly ECDsa _tcbSigningKey;
    private readonly ECDsa _attestationKey;
    private readonly PlatformState _state;

    private SimulatedPlatform(Keys keys, Artifacts artifacts, PlatformState state)
    {
        _rootKey = keys.Root;
        _pckCaKey = keys.PckCa;
        _pckKey = keys.Pck;
        _tcbSigningKey = keys.TcbSigning;
        _attestationKey = keys.Attestation;
        _state = state;
        RootCertificate = artifacts.Root;
        PckCaCertificate = artifacts.PckCa;
        PckCertificate = artifacts.Pck;
        TcbSigningCertificate = artifacts.TcbSigning;
        RootCaCrl = artifacts.RootCrl;
        PckCrl = artifacts.PckCrl;
        SgxTcbInfoJson = artifacts.SgxTcbInfo;
        TdxTcbInfoJson = artifacts.TdxTcbInfo;
        QeIdentityJson = artifacts.QeIdentity;
        TdQeIdentityJson = artifacts.TdQeIdentity;
    }

    /// <summary>The simulated root CA certificate (DER): the trust anchor to pass explicitly to the verifier.</summary>
    public ReadOnlyMemory<byte> RootCertificate { get; }

    /// <summary>The simulated PCK Platform CA certificate (DER).</summary>
    public ReadOnlyMemory<byte> PckCaCertificate { get; }

    /// <summary>The simulated PCK certificate (DER) with the SGX extension.</summary>
    public ReadOnlyMemory<byte> PckCertificate { get; }

    /// <summary>The simulated TCB signing certificate (DER).</summary>
    public ReadOnlyMemory<byte> TcbSigningCertificate { get; }

    /// <summary>The root CA CRL (DER).</summary>
    public ReadOnlyMemory<byte> RootCaCrl { get; }

    /// <summary>The PCK Platform CA CRL (DER).</summary>
    public ReadOnlyMemory<byte> PckCrl { get; }

    /// <summary>Signed SGX TCB Info, Intel PCS body <c>{"tcbInfo":..,"signature":..}</c>.</summary>
    public ReadOnlyMemory<byte> SgxTcbInfoJson { get; }

    /// <summary>Signed TDX TCB Info, Intel PCS body.</summary>
    public ReadOnlyMemory<byte> TdxTcbInfoJson { get; }

    /// <summary>Signed QE Identity (<c>QE</c>), Intel PCS body <c>{"enclaveIdentity":..,"signature":..}</c>.</summary>
    public ReadOnlyMemory<byte> QeIdentityJson { get; }

    /// <summary>Signed TD QE Identity (<c>TD_QE</c>), Intel PCS body.</summary>
    public ReadOnlyMemory<byte> TdQeIdentityJson { get; }

    /// <summary>The FMSPC in the PCK certificate.</summary>
    public ReadOnlyMemory<byte> Fmspc => _state.Fmspc;

    /// <summary>The TCB signing chain as PEM (signing certificate, root).</summary>
    public string TcbSigningChainPem => Pem(TcbSigningCertificate) + Pem(RootCertificate);

    /// <summary>The PCK certificate chain as PEM (PCK certificate, PCK CA, root), as the quote carries it.</summary>
    public string PckCertificateChainPem => Pem(PckCertificate) + Pem(PckCaCertificate) + Pem(RootCertificate);

    /// <summary>Creates a platform: keys, certificates, CRLs, TCB Info and QE Identities.</summary>
    /// <param name="options">TCB position and faults; <see langword="null"/> for a healthy, up-to-date platform.</param>
    /// <param name="timeProvider">The clock for validity periods; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="cancellationToken">Cancels creation.</param>
    /// <returns>The platform.</returns>
    public static Task<SimulatedPlatform> CreateAsync(
        SimulatedPlatformOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SimulatedPlatformOptions();
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

        var state = new PlatformState
        {
            Fmspc = SimulatedTcb.Fmspc,
            PceId = SimulatedTcb.PceId,
            SgxComponents = SimulatedTcb.SgxComponents(options.PlatformTcbStatus),
            PceSvn = SimulatedTcb.PceSvn,
            QeIsvSvn = SimulatedTcb.QeIsvSvn(options.QeTcbStatus),
        };

        var keys = new Keys(NewKey(), NewKey(), NewKey(), NewKey(), NewKey());
        try
        {
            Artifacts artifacts = Issue(keys, state, options, now);
            return Task.FromResult(new SimulatedPlatform(keys, artifacts, state));
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>Parsed collateral for quotes of <paramref name="tee"/>: TCB Info, QE Identity, chains and both CRLs.</summary>
    /// <param name="tee">SGX or TDX.</param>
    /// <returns>The collateral.</returns>
    public QuoteCollateral GetCollateral(TeeType tee)
    {
        CertificateChain signingChain = CertificateChain.FromDer([TcbSigningCertificate, RootCertificate]);
        return new QuoteCollateral
        {
            TcbInfo = SignedTcbInfo.ParsePcsJson((tee == TeeType.Tdx ? TdxTcbInfoJson : SgxTcbInfoJson).Span, "simulated TCB Info"),
            TcbInfoIssuerChain = signingChain,
            QeIdentity = SignedEnclaveIdentity.ParsePcsJson((tee == TeeType.Tdx ? TdQeIdentityJson : QeIdentityJson).Span, "simulated QE Identity"),
            QeIdentityIssuerChain = signingChain,
            RootCaCrl = RevocationList.Parse(RootCaCrl.Span, "simulated root CA CRL"),
            PckCrl = RevocationList.Parse(PckCrl.Span, "simulated PCK CRL"),
            PckCrlIssuerChain = CertificateChain.FromDer([PckCaCertificate, RootCertificate]),
        };
    }

    /// <summary>
    /// The collateral for <paramref name="tee"/> as one JSON bundle shaped like <c>sgx_ql_qve_collateral_t</c>
    /// (dcap-qvl's snake_case keys; TCB Info and QE Identity as PCS bodies, CRLs as hex DER).
    /// </summary>
    /// <param name="tee">SGX or TDX.</param>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] GetCollateralBundleJson(TeeType tee)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 3);
            writer.WriteString("tee_type", tee == TeeType.Tdx ? "TDX" : "SGX");
            writer.WriteString("pck_crl_issuer_chain", Pem(PckCaCertificate) + Pem(RootCertificate));
            writer.WriteString("root_ca_crl", Convert.ToHexStringLower(RootCaCrl.Span));
            writer.WriteString("pck_crl", Convert.ToHexStringLower(PckCrl.Span));
            writer.WriteString("tcb_info_issuer_chain", TcbSigningChainPem);
            writer.WriteString("tcb_info", Encoding.UTF8.GetString((tee == TeeType.Tdx ? TdxTcbInfoJson : SgxTcbInfoJson).Span));
            writer.WriteString("qe_identity_issuer_chain", TcbSigningChainPem);
            writer.WriteString("qe_identity", Encoding.UTF8.GetString((tee == TeeType.Tdx ? TdQeIdentityJson : QeIdentityJson).Span));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Signs <paramref name="body"/> with the simulated TCB signing key and wraps it as an Intel PCS body under
    /// <paramref name="key"/> (<c>tcbInfo</c> or <c>enclaveIdentity</c>): for tests of the verifier that need
    /// collateral variants the platform does not issue by itself.
    /// </summary>
    /// <param name="key">The PCS wrapper property: <c>tcbInfo</c> or <c>enclaveIdentity</c>.</param>
    /// <param name="body">The UTF-8 JSON body to sign, exactly as it will appear in the wrapper.</param>
    /// <returns>The signed PCS body <c>{"key":body,"signature":"hex"}</c>.</returns>
    public byte[] SignPcsBody(string key, byte[] body)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(body);
        byte[] signature = _tcbSigningKey.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return [
            .. Encoding.UTF8.GetBytes($"{{\"{key}\":"),
            .. body,
            .. Encoding.UTF8.GetBytes($",\"signature\":\"{Convert.ToHexStringLower(signature)}\"}}"),
        ];
    }

    /// <summary>Releases the private keys.</summary>
    public void Dispose()
    {
        _rootKey.Dispose();
        _pckCaKey.Dispose();
        _pckKey.Dispose();
        _tcbSigningKey.Dispose();
        _attestationKey.Dispose();
    }

    private static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static string Pem(ReadOnlyMemory<byte> der) => PemEncoding.WriteString("CERTIFICATE", der.Span) + "\n";

    private static Artifacts Issue(Keys keys, PlatformState state, SimulatedPlatformOptions options, DateTimeOffset now)
    {
        DateTimeOffset notBefore = now.AddDays(-1);
        var rootName = new X500DistinguishedName($"CN=PPML Simulated SGX Root CA, {Organization}");
        var pckCaName = new X500DistinguishedName($"CN=PPML Simulated SGX PCK Platform CA, {Organization}");

        byte[] root = IssueCertificate(rootName, keys.Root, rootName, keys.Root, null, notBefore, now.AddYears(25), ca: true, pathLength: null, sgx: null);
        X509SubjectKeyIdentifierExtension rootKeyId = KeyIdentifier(keys.Root);
        byte[] pckCa = IssueCertificate(pckCaName, keys.PckCa, rootName, keys.Root, rootKeyId, notBefore, now.AddYears(15), ca: true, pathLength: 0, sgx: null);
        X509SubjectKeyIdentifierExtension pckCaKeyId = KeyIdentifier(keys.PckCa);
        byte[] pck = IssueCertificate(
            new X500DistinguishedName($"CN=PPML Simulated SGX PCK Certificate, {Organization}"),
            keys.Pck, pckCaName, keys.PckCa, pckCaKeyId, notBefore, now.AddYears(7), ca: false, pathLength: null, sgx: SgxExtension(state));
        byte[] tcbSigning = IssueCertificate(
            new X500DistinguishedName($"CN=PPML Simulated SGX TCB Signing, {Organization}"),
            keys.TcbSigning, rootName, keys.Root, rootKeyId, notBefore, now.AddYears(7), ca: false, pathLength: null, sgx: null);

        (DateTimeOffset issued, DateTimeOffset next) = options.ExpiredCollateral
            ? (now - (2 * options.CollateralValidity), now - options.CollateralValidity)
            : (now, now + options.CollateralValidity);

        var rootRevoked = new List<byte[]>();
        if (options.RevokePckCa)
        {
            rootRevoked.Add(SerialOf(pckCa));
        }

        if (options.RevokeTcbSigningCertificate)
        {
            rootRevoked.Add(SerialOf(tcbSigning));
        }

        byte[] rootCrl = IssueCrl(rootName, keys.Root, rootKeyId, rootRevoked, issued, next);
        byte[] pckCrl = IssueCrl(pckCaName, keys.PckCa, pckCaKeyId, options.RevokePckCertificate ? [SerialOf(pck)] : [], issued, next);

        var collateral = new SimulatedCollateral(keys.TcbSigning, options, issued, next);
        return new Artifacts(
            root,
            pckCa,
            pck,
            tcbSigning,
            rootCrl,
            pckCrl,
            collateral.TcbInfo(tdx: false),
            collateral.TcbInfo(tdx: true),
            collateral.QeIdentity(tdx: false),
            collateral.QeIdentity(tdx: true));
    }

    private static byte[] IssueCertificate(
        X500DistinguishedName subject,
        ECDsa subjectKey,
        X500DistinguishedName issuer,
        ECDsa issuerKey,
        X509SubjectKeyIdentifierExtension? issuerKeyId,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        bool ca,
        int? pathLength,
        byte[]? sgx)
    {
        var request = new CertificateRequest(subject, subjectKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, pathLength.HasValue, pathLength ?? 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation,
            critical: true));
        X509SubjectKeyIdentifierExtension keyId = KeyIdentifier(subjectKey);
        request.CertificateExtensions.Add(keyId);
        if (issuerKeyId is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyId));
        }

        if (sgx is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(SgxExtensionOid, sgx, critical: false));
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        using X509Certificate2 certificate = request.Create(issuer, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
        return certificate.RawData;
    }

    private static X509SubjectKeyIdentifierExtension KeyIdentifier(ECDsa key) =>
        new(new PublicKey(key), X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);

    private static byte[] SerialOf(byte[] certificate)
    {
        using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(certificate);
        return parsed.SerialNumberBytes.ToArray();
    }

    private static byte[] IssueCrl(
        X500DistinguishedName issuer,
        ECDsa issuerKey,
        X509SubjectKeyIdentifierExtension issuerKeyId,
        IEnumerable<byte[]> revokedSerials,
        DateTimeOffset thisUpdate,
        DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (byte[] serial in revokedSerials)
        {
            builder.AddEntry(serial, thisUpdate, X509RevocationReason.KeyCompromise);
        }

        return builder.Build(
            issuer,
            X509SignatureGenerator.CreateForECDsa(issuerKey),
            BigInteger.One,
            nextUpdate,
            HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyId),
            thisUpdate);
    }

    /// <summary>The SGX extension value: PPID, TCB (16 SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC, SGX type, instance, configuration.</summary>
    private static byte[] SgxExtension(PlatformState state)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            Entry(writer, ".1", w => w.WriteOctetString(SHA256.HashData(state.Fmspc).AsSpan(0, 16)));
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionOid + ".2");
                using (writer.PushSequence())
                {
                    for (int i = 0; i < 16; i++)
                    {
                        int component = state.SgxComponents[i];
                        Entry(writer, $".2.{i + 1}", w => w.WriteInteger(component));
                    }

                    Entry(writer, ".2.17", w => w.WriteInteger(state.PceSvn));
                    Entry(writer, ".2.18", w => w.WriteOctetString(state.SgxComponents));
                }
            }

            Entry(writer, ".3", w => w.WriteOctetString(state.PceId));
            Entry(writer, ".4", w => w.WriteOctetString(state.Fmspc));
            Entry(writer, ".5", w => w.WriteEnumeratedValue(SgxType.Scalable));
            Entry(writer, ".6", w => w.WriteOctetString(SHA256.HashData(state.SgxComponents).AsSpan(0, 16)));
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionOid + ".7");
                using (writer.PushSequence())
                {
                    Entry(writer, ".7.1", w => w.WriteBoolean(false));
                    Entry(writer, ".7.2", w => w.WriteBoolean(true));
                    Entry(writer, ".7.3", w => w.WriteBoolean(false));
                }
            }
        }

        return writer.Encode();

        static void Entry(AsnWriter writer, string suffix, Action<AsnWriter> value)
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SgxExtensionOid + suffix);
                value(writer);
            }
        }
    }

    private enum SgxType
    {
        Standard = 0,
        Scalable = 1,
    }

    private sealed record Keys(ECDsa Root, ECDsa PckCa, ECDsa Pck, ECDsa TcbSigning, ECDsa Attestation) : IDisposable
    {
        public void Dispose()
        {
            Root.Dispose();
            PckCa.Dispose();
            Pck.Dispose();
            TcbSigning.Dispose();
            Attestation.Dispose();
        }
    }

    private sealed record Artifacts(
        byte[] Root,
        byte[] PckCa,
        byte[] Pck,
        byte[] TcbSigning,
        byte[] RootCrl,
        byte[] PckCrl,
        byte[] SgxTcbInfo,
        byte[] TdxTcbInfo,
        byte[] QeIdentity,
        byte[] TdQeIdentity);
}
