using System.Buffers.Binary;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Tests.Support;

namespace Ppml.Attestation.Tests.Quotes;

public sealed class QuoteTests
{
    [Fact]
    public void Parse_PhalaSgxV3_ReadsEveryStructure()
    {
        Quote quote = Quote.Parse(DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin"));

        Assert.Equal(3, quote.Version);
        Assert.Equal(TeeType.Sgx, quote.Tee);
        Assert.Equal(QuoteBodyType.SgxEnclaveReport, quote.BodyType);
        Assert.Equal(10, quote.Header.QeSvn);
        Assert.Equal(15, quote.Header.PceSvn);
        Assert.Equal(432, quote.SignedData.Length);
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", Convert.ToHexStringLower(quote.EnclaveReport!.MrEnclave.Span));
        Assert.Equal("Hello, world!"u8.ToArray(), quote.ReportData[..13].ToArray());
        Assert.Equal(CertificationDataType.PckCertificateChain, quote.SignatureData.CertificationData.Type);
        Assert.Equal(0, quote.SignatureData.CertificationData.Data.Span[^1]);
        Assert.Equal(0, quote.TrailingBytes);
        Assert.Null(quote.TdReport);
    }

    [Theory]
    [InlineData("phala-dcap-qvl/tdx_quote.bin", 4, QuoteBodyType.TdReport10, 70)]
    [InlineData("phala-dcap-qvl/tdx_quote_outdated.bin", 5, QuoteBodyType.TdReport15, 0)]
    [InlineData("go-tdx-guest/ccel/cos-113-tdx-quote.dat", 4, QuoteBodyType.TdReport10, 3065)]
    public void Parse_TdxQuotes_ReadBodyAndIgnoreTrailingBytes(string file, int version, QuoteBodyType bodyType, int trailing)
    {
        Quote quote = Quote.Parse(DcapVectors.Read(file));

        Assert.Equal(version, quote.Version);
        Assert.Equal(TeeType.Tdx, quote.Tee);
        Assert.Equal(bodyType, quote.BodyType);
        Assert.Equal(trailing, quote.TrailingBytes);
        Assert.Equal(bodyType == QuoteBodyType.TdReport15, quote.TdReport!.IsTdx15);
        Assert.True(quote.TdReport.IsSeptVeDisabled);
        Assert.False(quote.TdReport.IsDebug);
        Assert.Equal(version == 5 ? 48 + 6 + 648 : 48 + 584, quote.SignedData.Length);
    }

    [Fact]
    public void Parse_Td15Body_ExposesTeeTcbSvn2AndMrServiceTd()
    {
        Quote quote = Quote.Parse(DcapVectors.Read("go-tdx-guest/quote_v5_sample.dat"));

        Assert.Equal("0d010400000000000000000000000000", Convert.ToHexStringLower(quote.TdReport!.TeeTcbSvn2.Span));
        Assert.Equal(48, quote.TdReport.MrServiceTd.Length);
    }

    [Fact]
    public void Parse_IntelSampleWithClearPpid_ParsesCertificationDataType1()
    {
        Quote quote = Quote.Parse(DcapVectors.Read("intel-qvl-sample-sgx/quote.dat"));

        Assert.Equal(CertificationDataType.PpidCleartext, quote.SignatureData.CertificationData.Type);
    }

    [Fact]
    public void Parse_Truncated1000Bytes_NamesSignatureDataSizeAndOffset()
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(
            () => Quote.Parse(DcapVectors.Read("derived-invalid/phala_sgx_quote_truncated_1000.bin")));

        Assert.Equal("signatureData.size", error.Field);
        Assert.Equal(432, error.Offset);
        Assert.Contains("offset 432", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "header")]
    [InlineData(47, "header")]
    [InlineData(48, "body")]
    [InlineData(431, "body")]
    [InlineData(433, "signatureData.size")]
    public void Parse_TruncatedSgxQuote_ReportsTheFieldThatDoesNotFit(int length, string field)
    {
        byte[] quote = DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin")[..length];

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(quote));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData(0, (ushort)2, "header.version")]
    [InlineData(0, (ushort)6, "header.version")]
    [InlineData(2, (ushort)3, "header.attestationKeyType")]
    [InlineData(4, (ushort)0x81, "header.teeType")]
    public void Parse_BadHeaderField_NamesIt(int offset, ushort value, string field)
    {
        byte[] quote = DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin");
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(offset), value);

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(quote));

        Assert.Equal(field, error.Field);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Parse_CertificationDataLongerThanQuote_IsRejected()
    {
        byte[] quote = DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin");
        Quote parsed = Quote.Parse(quote);
        int sizeOffset = parsed.SignatureData.CertificationData.Offset - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(sizeOffset), uint.MaxValue);

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(quote));

        Assert.Equal("signatureData.certificationData.size", error.Field);
        Assert.Equal(sizeOffset, error.Offset);
    }

    [Fact]
    public void Parse_QeReportCertificationDataNotFillingItsSize_IsInconsistent()
    {
        byte[] quote = DcapVectors.Read("phala-dcap-qvl/tdx_quote.bin");
        // v4: header 48 + body 584 + size 4 + signature 64 + key 64 + type 2 = 766: the outer certification data size.
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(766));
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(766), size + 1);
        uint signatureDataSize = BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(632));
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(632), signatureDataSize + 1);

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(quote));

        Assert.Equal("signatureData.certificationData.size", error.Field);
    }

    [Fact]
    public void Parse_V5BodyTypeThatContradictsTee_IsRejected()
    {
        byte[] quote = DcapVectors.Read("phala-dcap-qvl/tdx_quote_outdated.bin");
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(48), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(50), 384);

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => Quote.Parse(quote));

        Assert.Equal("body.type", error.Field);
    }

    [Fact]
    public void TryParse_Garbage_ReturnsFalseWithTheError()
    {
        bool parsed = Quote.TryParse([1, 2, 3], out Quote? quote, out AttestationFormatException? error);

        Assert.False(parsed);
        Assert.Null(quote);
        Assert.Equal("header", error!.Field);
    }
}
