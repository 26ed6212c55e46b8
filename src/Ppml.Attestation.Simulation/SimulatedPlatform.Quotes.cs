using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Simulation;

public sealed partial class SimulatedPlatform
{
    private static readonly byte[] s_qeAuthenticationData = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    /// <summary>
    /// Signs an SGX quote v3 (certification data type 5, this platform's PCK chain) for an enclave with the given
    /// identity. The layout is Intel's byte for byte; only the keys are simulated.
    /// </summary>
    /// <param name="reportData">REPORTDATA, up to 64 bytes (zero-padded).</param>
    /// <param name="mrEnclave">MRENCLAVE (32 bytes).</param>
    /// <param name="mrSigner">MRSIGNER (32 bytes).</param>
    /// <param name="isvProdId">ISVPRODID.</param>
    /// <param name="isvSvn">ISVSVN.</param>
    /// <param name="attributes">ATTRIBUTES (16 bytes); empty for INIT | MODE64BIT with XFRM x87 | SSE (not debug).</param>
    /// <param name="options">Less common report fields.</param>
    /// <returns>The quote bytes.</returns>
    public byte[] CreateSgxQuote(
        ReadOnlySpan<byte> reportData,
        ReadOnlySpan<byte> mrEnclave,
        ReadOnlySpan<byte> mrSigner,
        int isvProdId,
        int isvSvn,
        ReadOnlySpan<byte> attributes = default,
        SgxQuoteOptions? options = null)
    {
        options ??= new SgxQuoteOptions();
        Require(reportData.Length <= 64, nameof(reportData), "at most 64 bytes");
        Require(mrEnclave.Length == 32, nameof(mrEnclave), "32 bytes");
        Require(mrSigner.Length == 32, nameof(mrSigner), "32 bytes");
        Require(attributes.IsEmpty || attributes.Length == 16, nameof(attributes), "16 bytes");
        Require(options.ConfigId.Length <= 64, nameof(options), "a CONFIGID of at most 64 bytes");
        ArgumentOutOfRangeException.ThrowIfNegative(isvProdId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(isvProdId, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(isvSvn);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(isvSvn, ushort.MaxValue);

        byte[] body = new byte[SgxEnclaveReport.Size];
        _state.SgxComponents.CopyTo(body, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(16), options.MiscSelect);
        if (attributes.IsEmpty)
        {
            body[48] = 0x05; // INIT | MODE64BIT
            body[56] = 0x03; // XFRM: x87 | SSE
        }
        else
        {
            attributes.CopyTo(body.AsSpan(48));
        }

        mrEnclave.CopyTo(body.AsSpan(64));
        mrSigner.CopyTo(body.AsSpan(128));
        options.ConfigId.Span.CopyTo(body.AsSpan(192));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(256), (ushort)isvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(258), (ushort)isvSvn);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(260), (ushort)options.ConfigSvn);
        reportData.CopyTo(body.AsSpan(320));

        byte[] header = Header(version: 3, TeeType.Sgx, (ushort)_state.QeIsvSvn, (ushort)_state.PceSvn);
        return Assemble(header, body, tdx: false);
    }

    /// <summary>
    /// Signs a TDX quote: v4 with a TD report 1.0, or (with <see cref="TdxQuoteOptions.UseQuoteV5"/>) v5 with a TD
    /// report 1.5. Certification data is this platform's PCK chain inside QE report certification data (type 6).
    /// </summary>
    /// <param name="reportData">REPORTDATA, up to 64 bytes (zero-padded).</param>
    /// <param name="mrTd">MRTD (48 bytes).</param>
    /// <param name="rtmrs">RTMR0..RTMR3 (48 bytes each); <see langword="null"/> for zeros.</param>
    /// <param name="options">TD attributes, XFAM, TCB knobs, quote version.</param>
    /// <returns>The quote bytes.</returns>
    public byte[] CreateTdxQuote(
        ReadOnlySpan<byte> reportData,
        ReadOnlySpan<byte> mrTd,
        IReadOnlyList<byte[]>? rtmrs = null,
        TdxQuoteOptions? options = null)
    {
        options ??= new TdxQuoteOptions();
        Require(reportData.Length <= 64, nameof(reportData), "at most 64 bytes");
        Require(mrTd.Length == 48, nameof(mrTd), "48 bytes");
        Require(rtmrs is null || (rtmrs.Count == 4 && rtmrs.All(r => r.Length == 48)), nameof(rtmrs), "four registers of 48 bytes");
        Require(options.MrConfigId.Length <= 48 && options.MrOwner.Length <= 48, nameof(options), "MRCONFIGID and MROWNER of at most 48 bytes");

        bool v5 = options.UseQuoteV5;
        byte[] body = new byte[v5 ? TdReport.Size15 : TdReport.Size10];
        byte[] teeTcbSvn = new byte[16];
        teeTcbSvn[0] = (byte)SimulatedTcb.ModuleSvn(options.ModuleTcbStatus);
        teeTcbSvn[1] = SimulatedTcb.ModuleVersion;
        teeTcbSvn[2] = (byte)SimulatedTcb.Rung(options.TdxTcbStatus);
        teeTcbSvn.CopyTo(body, 0);
        SimulatedTcb.MrSeam.CopyTo(body, 16);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(120), options.TdAttributes);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(128), options.Xfam);
        mrTd.CopyTo(body.AsSpan(136));
        options.MrConfigId.Span.CopyTo(body.AsSpan(184));
        options.MrOwner.Span.CopyTo(body.AsSpan(232));
        for (int i = 0; i < 4 && rtmrs is not null; i++)
        {
            rtmrs[i].CopyTo(body, 328 + (48 * i));
        }

        reportData.CopyTo(body.AsSpan(520));
        if (v5)
        {
            byte[] teeTcbSvn2 = [.. teeTcbSvn];
            teeTcbSvn2[0] = (byte)SimulatedTcb.ModuleSvn(options.UpdatedModuleTcbStatus ?? options.ModuleTcbStatus);
            teeTcbSvn2.CopyTo(body, 584);
        }

        byte[] header = Header(version: v5 ? 5 : 4, TeeType.Tdx, 0, 0);
        if (v5)
        {
            byte[] descriptor = new byte[6];
            BinaryPrimitives.WriteUInt16LittleEndian(descriptor, (ushort)QuoteBodyType.TdReport15);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(2), (uint)body.Length);
            header = [.. header, .. descriptor];
        }

        return Assemble(header, body, tdx: true);
    }

    private byte[] Header(int version, TeeType tee, ushort qeSvn, ushort pceSvn)
    {
        byte[] header = new byte[QuoteHeader.Size];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)tee);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), qeSvn);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), pceSvn);
        QuoteHeader.IntelQeVendorId.CopyTo(header.AsSpan(12));
        SHA256.HashData(AttestationPublicKey()).AsSpan(0, 20).CopyTo(header.AsSpan(28));
        return header;
    }

    /// <summary>Signs header || body and appends the signature data in the v3 or v4/v5 layout.</summary>
    private byte[] Assemble(byte[] signedPrefix, byte[] body, bool tdx)
    {
        byte[] attestationKey = AttestationPublicKey();
        byte[] qeReport = QeReport(attestationKey, tdx);
        byte[] qeReportSignature = _pckKey.SignData(qeReport, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        byte[] chain = [.. Encoding.ASCII.GetBytes(PckCertificateChainPem), 0];

        byte[] qeReportCertificationData =
        [
            .. qeReport,
            .. qeReportSignature,
            .. U16((ushort)s_qeAuthenticationData.Length),
            .. s_qeAuthenticationData,
            .. U16((ushort)CertificationDataType.PckCertificateChain),
            .. U32((uint)chain.Length),
            .. chain,
        ];

        byte[] signed = [.. signedPrefix, .. body];
        byte[] signature = _attestationKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        byte[] signatureData = tdx
            ?
            [
                .. signature,
                .. attestationKey,
                .. U16((ushort)CertificationDataType.QeReportCertificationData),
                .. U32((uint)qeReportCertificationData.Length),
                .. qeReportCertificationData,
            ]
            : [.. signature, .. attestationKey, .. qeReportCertificationData];

        return [.. signed, .. U32((uint)signatureData.Length), .. signatureData];
    }

    /// <summary>The simulated QE's report: its identity, and REPORTDATA = SHA-256(attestation key || auth data) || zeros.</summary>
    private byte[] QeReport(byte[] attestationKey, bool tdx)
    {
        byte[] report = new byte[SgxEnclaveReport.Size];
        _state.SgxComponents.CopyTo(report, 0);
        report[48] = 0x15; // INIT | MODE64BIT | PROVISIONKEY
        report[56] = 0xE7;
        SimulatedTcb.QeMrEnclave.CopyTo(report, 64);
        (tdx ? SimulatedTcb.TdQeMrSigner : SimulatedTcb.QeMrSigner).CopyTo(report, 128);
        BinaryPrimitives.WriteUInt16LittleEndian(report.AsSpan(256), (ushort)(tdx ? SimulatedTcb.TdQeProdId : SimulatedTcb.QeProdId));
        BinaryPrimitives.WriteUInt16LittleEndian(report.AsSpan(258), (ushort)_state.QeIsvSvn);
        SHA256.HashData([.. attestationKey, .. s_qeAuthenticationData]).CopyTo(report, 320);
        return report;
    }

    private byte[] AttestationPublicKey()
    {
        ECParameters parameters = _attestationKey.ExportParameters(includePrivateParameters: false);
        return [.. parameters.Q.X!, .. parameters.Q.Y!];
    }

    private static byte[] U16(ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static void Require(bool condition, string parameter, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"{parameter} must be {expected}.", parameter);
        }
    }
}
