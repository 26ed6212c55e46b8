using System.Buffers.Binary;
using System.Globalization;

namespace Ppml.Attestation.Quotes;

/// <summary>
/// An Intel DCAP ECDSA quote: SGX quote v3, TDX quote v4 (TD report 1.0) or quote v5 (SGX, TD 1.0 or TD 1.5 body).
/// Parsing checks the structure only (every length against the buffer); <see cref="Verification.QuoteVerifier"/>
/// checks everything else. Bytes after the signature data are ignored, as Intel's QVL ignores them.
/// </summary>
public sealed class Quote
{
    private Quote(
        byte[] bytes,
        QuoteHeader header,
        QuoteBodyType bodyType,
        SgxEnclaveReport? enclaveReport,
        TdReport? tdReport,
        int signedLength,
        QuoteSignatureData signatureData,
        int trailingBytes)
    {
        Bytes = bytes;
        Header = header;
        BodyType = bodyType;
        EnclaveReport = enclaveReport;
        TdReport = tdReport;
        SignedData = bytes.AsMemory(0, signedLength);
        SignatureData = signatureData;
        TrailingBytes = trailingBytes;
    }

    /// <summary>The quote bytes without trailing padding.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The header.</summary>
    public QuoteHeader Header { get; }

    /// <summary>Quote format version (3, 4 or 5).</summary>
    public int Version => Header.Version;

    /// <summary>The TEE that produced the quote.</summary>
    public TeeType Tee => Header.TeeType!.Value;

    /// <summary>The kind of report the quote carries.</summary>
    public QuoteBodyType BodyType { get; }

    /// <summary>The ISV enclave report of an SGX quote; <see langword="null"/> for TDX.</summary>
    public SgxEnclaveReport? EnclaveReport { get; }

    /// <summary>The TD report of a TDX quote; <see langword="null"/> for SGX.</summary>
    public TdReport? TdReport { get; }

    /// <summary>The bytes the attestation key signs: header, (v5) body descriptor, and body.</summary>
    public ReadOnlyMemory<byte> SignedData { get; }

    /// <summary>The signature data.</summary>
    public QuoteSignatureData SignatureData { get; }

    /// <summary>Bytes after the signature data in the input (ignored).</summary>
    public int TrailingBytes { get; }

    /// <summary>REPORTDATA of the ISV enclave or TD (64 bytes).</summary>
    public ReadOnlyMemory<byte> ReportData => EnclaveReport?.ReportData ?? TdReport!.ReportData;

    /// <summary>Parses a binary quote.</summary>
    /// <param name="quote">The quote bytes; trailing bytes after the signature data are allowed.</param>
    /// <returns>The parsed quote (holding a private copy of the bytes).</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a quote; the message names the field and offset.</exception>
    public static Quote Parse(ReadOnlySpan<byte> quote) => new QuoteReader(quote).Read();

    /// <summary>Parses a binary quote, returning <see langword="false"/> instead of throwing.</summary>
    /// <param name="quote">The quote bytes.</param>
    /// <param name="result">The parsed quote, or <see langword="null"/>.</param>
    /// <param name="error">Why parsing failed, or <see langword="null"/>.</param>
    /// <returns>True when the bytes are a quote.</returns>
    public static bool TryParse(ReadOnlySpan<byte> quote, out Quote? result, out AttestationFormatException? error)
    {
        try
        {
            result = Parse(quote);
            error = null;
            return true;
        }
        catch (AttestationFormatException exception)
        {
            result = null;
            error = exception;
            return false;
        }
    }

    private ref struct QuoteReader
    {
        private readonly ReadOnlySpan<byte> _input;

        public QuoteReader(ReadOnlySpan<byte> input)
        {
            _input = input;
        }

        public readonly Quote Read()
        {
            Need(0, QuoteHeader.Size, "header", 0);
            int version = U16(0);
            int keyType = U16(2);
            uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(_input[4..]);
            if (version is not (3 or 4 or 5))
            {
                throw Error($"header.version is {version}; supported quote versions are 3, 4 and 5", "header.version", 0);
            }

            if (keyType != 2)
            {
                throw Error(
                    $"header.attestationKeyType is {keyType}; only 2 (ECDSA-256 with P-256) is defined for Intel's quoting enclaves",
                    "header.attestationKeyType",
                    2);
            }

            if (teeType is not ((uint)TeeType.Sgx or (uint)TeeType.Tdx))
            {
                throw Error($"header.teeType is 0x{teeType:X8}; expected 0x00000000 (SGX) or 0x00000081 (TDX)", "header.teeType", 4);
            }

            if (version == 3 && teeType != (uint)TeeType.Sgx)
            {
                throw Error($"header.teeType is 0x{teeType:X8} but quote v3 carries SGX enclave reports only", "header.teeType", 4);
            }

            var header = new QuoteHeader
            {
                Version = version,
                AttestationKeyType = keyType,
                TeeTypeValue = teeType,
                QeSvn = U16(8),
                PceSvn = U16(10),
                QeVendorId = _input.Slice(12, 16).ToArray(),
                UserData = _input.Slice(28, 20).ToArray(),
            };

            int offset = QuoteHeader.Size;
            QuoteBodyType bodyType;
            int bodyLength;
            if (version == 5)
            {
                Need(offset, 6, "body.descriptor", offset);
                int type = U16(offset);
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(_input[(offset + 2)..]);
                (bodyType, bodyLength) = type switch
                {
                    1 => (QuoteBodyType.SgxEnclaveReport, SgxEnclaveReport.Size),
                    2 => (QuoteBodyType.TdReport10, TdReport.Size10),
                    3 => (QuoteBodyType.TdReport15, TdReport.Size15),
                    _ => throw Error($"body.type is {type}; expected 1 (SGX report), 2 (TD report 1.0) or 3 (TD report 1.5)", "body.type", offset),
                };

                if (size != bodyLength)
                {
                    throw Error($"body.size is {size} but a body of type {type} is {bodyLength} bytes", "body.size", offset + 2);
                }

                if ((bodyType == QuoteBodyType.SgxEnclaveReport) != (teeType == (uint)TeeType.Sgx))
                {
                    throw Error($"body.type {type} does not match header.teeType 0x{teeType:X8}", "body.type", offset);
                }

                offset += 6;
            }
            else
            {
                (bodyType, bodyLength) = teeType == (uint)TeeType.Sgx
                    ? (QuoteBodyType.SgxEnclaveReport, SgxEnclaveReport.Size)
                    : (QuoteBodyType.TdReport10, TdReport.Size10);
            }

            int bodyOffset = offset;
            Need(bodyOffset, bodyLength, "body", bodyOffset);
            offset += bodyLength;
            int signedLength = offset;

            Need(offset, 4, "signatureData.size", offset);
            long signatureDataSize = BinaryPrimitives.ReadUInt32LittleEndian(_input[offset..]);
            offset += 4;
            if (signatureDataSize > _input.Length - offset)
            {
                throw Error(
                    $"signatureData.size is {signatureDataSize} but only {_input.Length - offset} bytes follow; the quote is truncated",
                    "signatureData.size",
                    offset - 4);
            }

            int end = offset + (int)signatureDataSize;
            byte[] bytes = _input[..end].ToArray();
            ReadOnlyMemory<byte> memory = bytes;

            // Structures inside the signature data must fit in the declared size, not merely in the buffer.
            var inner = new QuoteReader(_input[..end]);
            inner.Need(offset, 128, "signatureData.signature", offset);
            ReadOnlyMemory<byte> signature = memory.Slice(offset, 64);
            ReadOnlyMemory<byte> attestationKey = memory.Slice(offset + 64, 64);
            offset += 128;

            QuoteSignatureData signatureData;
            if (version == 3)
            {
                signatureData = inner.ReadQeReportData(memory, ref offset, "signatureData", signature, attestationKey);
            }
            else
            {
                inner.Need(offset, 6, "signatureData.certificationData", offset);
                int outerType = inner.U16(offset);
                long outerSize = BinaryPrimitives.ReadUInt32LittleEndian(_input[(offset + 2)..]);
                if (outerType != (int)CertificationDataType.QeReportCertificationData)
                {
                    throw Error(
                        $"signatureData.certificationData.type is {outerType}; quote v{version} requires 6 (QE report certification data)",
                        "signatureData.certificationData.type",
                        offset);
                }

                offset += 6;
                if (outerSize > end - offset)
                {
                    throw Error(
                        $"signatureData.certificationData.size is {outerSize} but only {end - offset} bytes of signature data follow",
                        "signatureData.certificationData.size",
                        offset - 4);
                }

                int innerEnd = offset + (int)outerSize;
                var nested = new QuoteReader(_input[..innerEnd]);
                signatureData = nested.ReadQeReportData(memory, ref offset, "signatureData.qeReportCertificationData", signature, attestationKey);
                if (offset != innerEnd)
                {
                    throw Error(
                        $"signatureData.qeReportCertificationData ends at {offset} but its declared size ends at {innerEnd}; the structure is inconsistent",
                        "signatureData.certificationData.size",
                        offset);
                }
            }

            SgxEnclaveReport? enclaveReport = bodyType == QuoteBodyType.SgxEnclaveReport
                ? new SgxEnclaveReport(memory.Slice(bodyOffset, bodyLength))
                : null;
            TdReport? tdReport = bodyType == QuoteBodyType.SgxEnclaveReport ? null : new TdReport(memory.Slice(bodyOffset, bodyLength));
            return new Quote(bytes, header, bodyType, enclaveReport, tdReport, signedLength, signatureData, _input.Length - end);
        }

        private readonly QuoteSignatureData ReadQeReportData(
            ReadOnlyMemory<byte> memory,
            ref int offset,
            string path,
            ReadOnlyMemory<byte> signature,
            ReadOnlyMemory<byte> attestationKey)
        {
            Need(offset, SgxEnclaveReport.Size, $"{path}.qeReport", offset);
            var qeReport = new SgxEnclaveReport(memory.Slice(offset, SgxEnclaveReport.Size));
            offset += SgxEnclaveReport.Size;

            Need(offset, 64, $"{path}.qeReportSignature", offset);
            ReadOnlyMemory<byte> qeReportSignature = memory.Slice(offset, 64);
            offset += 64;

            Need(offset, 2, $"{path}.qeAuthenticationData.size", offset);
            int authSize = U16(offset);
            offset += 2;
            Need(offset, authSize, $"{path}.qeAuthenticationData", offset - 2);
            ReadOnlyMemory<byte> authData = memory.Slice(offset, authSize);
            offset += authSize;

            Need(offset, 6, $"{path}.certificationData", offset);
            int certType = U16(offset);
            long certSize = BinaryPrimitives.ReadUInt32LittleEndian(_input[(offset + 2)..]);
            if (certType is < 1 or > 5)
            {
                throw Error(
                    $"{path}.certificationData.type is {certType}; expected 1 to 5",
                    $"{path}.certificationData.type",
                    offset);
            }

            offset += 6;
            if (certSize > _input.Length - offset)
            {
                throw Error(
                    $"{path}.certificationData.size is {certSize} but only {_input.Length - offset} bytes remain",
                    $"{path}.certificationData.size",
                    offset - 4);
            }

            var certification = new CertificationData
            {
                TypeValue = certType,
                Data = memory.Slice(offset, (int)certSize),
                Offset = offset,
            };
            offset += (int)certSize;

            return new QuoteSignatureData
            {
                Signature = signature,
                AttestationKey = attestationKey,
                QeReport = qeReport,
                QeReportSignature = qeReportSignature,
                QeAuthenticationData = authData,
                CertificationData = certification,
            };
        }

        private readonly int U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_input[offset..]);

        private readonly void Need(int offset, long length, string field, int reportOffset)
        {
            if (offset > _input.Length || length > _input.Length - offset)
            {
                throw Error(
                    $"{field} needs {length} bytes at offset {offset} but the quote has {Math.Max(0, _input.Length - offset)} left; it is truncated or a length field is corrupt",
                    field,
                    reportOffset);
            }
        }

        private static AttestationFormatException Error(string problem, string field, int offset) =>
            new(string.Create(CultureInfo.InvariantCulture, $"Quote, offset {offset}: {problem}."), field, offset);
    }
}
