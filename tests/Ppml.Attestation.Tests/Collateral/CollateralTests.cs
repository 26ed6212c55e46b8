using System.Text;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Tests.Support;

namespace Ppml.Attestation.Tests.Collateral;

public sealed class CollateralTests
{
    [Fact]
    public void SignedTcbInfo_ParsePcsJsonV3Tdx_ReadsModuleIdentitiesAndLevels()
    {
        SignedTcbInfo signed = SignedTcbInfo.ParsePcsJson(DcapVectors.Read("go-tdx-guest/sample_tcbinfo_response_v5.json"));
        TcbInfo info = signed.TcbInfo;

        Assert.Equal("TDX", info.Id);
        Assert.Equal(3, info.Version);
        Assert.True(info.IsTdx);
        Assert.Equal("90c06f000000", Convert.ToHexStringLower(info.Fmspc.Span));
        Assert.Equal(18, info.TcbEvaluationDataNumber);
        Assert.NotNull(info.TdxModule);
        Assert.Contains(info.TdxModuleIdentities!, m => m.Id == "TDX_01");
        Assert.All(info.TcbLevels, l => Assert.Equal(16, l.TdxComponents.Count));
        Assert.Equal(64, signed.Signature.Length);
        Assert.StartsWith("{\"id\":\"TDX\"", Encoding.UTF8.GetString(signed.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void SignedTcbInfo_ParsePcsJsonV2_ImpliesSgxAndReadsComponentKeys()
    {
        TcbInfo info = SignedTcbInfo.ParsePcsJson(DcapVectors.Read("intel-qvl-sample-sgx/tcbInfo.json")).TcbInfo;

        Assert.Equal("SGX", info.Id);
        Assert.Equal(2, info.Version);
        Assert.Equal(6, info.TcbLevels.Count);
        Assert.Equal(3, info.TcbLevels[0].SgxComponents[1]);
        Assert.Equal(TcbStatus.OutOfDateConfigurationNeeded, info.TcbLevels[3].Status);
        Assert.Empty(info.TcbLevels[0].TdxComponents);
    }

    [Fact]
    public void SignedEnclaveIdentity_ParsePcsJson_ReadsQeIdentity()
    {
        EnclaveIdentity identity = SignedEnclaveIdentity.ParsePcsJson(DcapVectors.Read("mobilecoin-attestation/qe_identity.json")).Identity;

        Assert.Equal("QE", identity.Id);
        Assert.Equal(2, identity.Version);
        Assert.Equal(1, identity.IsvProdId);
        Assert.Equal(32, identity.MrSigner.Length);
        Assert.NotEmpty(identity.TcbLevels);
    }

    [Theory]
    [InlineData("{}", "tcbInfo")]
    [InlineData("{\"tcbInfo\":{},\"signature\":\"00\"}", "signature")]
    [InlineData("[1]", "$")]
    [InlineData("not json", "TCB Info")]
    public void SignedTcbInfo_Malformed_ThrowsNamingTheField(string json, string field)
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => SignedTcbInfo.ParsePcsJson(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void SignedTcbInfo_UnknownStatus_IsRejected()
    {
        string json = Encoding.UTF8.GetString(DcapVectors.Read("intel-qvl-sample-sgx/tcbInfo.json")).Replace("\"Revoked\"", "\"Fine\"", StringComparison.Ordinal);

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => SignedTcbInfo.ParsePcsJson(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("tcbStatus", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void SignedTcbInfo_DuplicateKey_IsRejected()
    {
        byte[] json = """{"tcbInfo":{"version":2,"version":3},"signature":"00"}"""u8.ToArray();

        Assert.Throws<AttestationFormatException>(() => SignedTcbInfo.ParsePcsJson(json));
    }

    [Fact]
    public void RevocationList_ParsesDerPemAndHex_Identically()
    {
        byte[] der = DcapVectors.Read("intel-qvl-sample-sgx/rootCaCrl.der");
        byte[] pem = DcapVectors.Read("intel-qvl-sample-sgx/rootCaCrl.pem");
        byte[] hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(der));
        byte[] base64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(der));

        RevocationList[] lists = [RevocationList.Parse(der), RevocationList.Parse(pem), RevocationList.Parse(hex), RevocationList.Parse(base64)];

        Assert.All(lists, l => Assert.True(l.Der.Span.SequenceEqual(der)));
        Assert.Contains("Root CA", lists[0].IssuerCommonName, StringComparison.Ordinal);
        Assert.True(lists[0].NextUpdate > lists[0].ThisUpdate);
    }

    [Fact]
    public void RevocationList_Garbage_Throws()
    {
        Assert.Throws<AttestationFormatException>(() => RevocationList.Parse([0x30, 0x03, 0x02, 0x01]));
        Assert.Throws<AttestationFormatException>(() => RevocationList.Parse("hello, world"u8));
        Assert.Throws<AttestationFormatException>(() => RevocationList.Parse([]));
    }

    [Fact]
    public void CertificateChain_RootFirstAndLeafFirst_BothParse()
    {
        CertificateChain rootFirst = CertificateChain.Parse(DcapVectors.Read("intel-qvl-sample-sgx/tcbSignChain.pem"));
        CertificateChain leafFirst = CertificateChain.Parse(DcapVectors.Read("intel_tcb_signing_chain_2025.pem"));
        CertificateChain der = CertificateChain.Parse(DcapVectors.Read("intel_sgx_root_ca.der"));

        Assert.Equal(2, rootFirst.Count);
        Assert.Equal(2, leafFirst.Count);
        Assert.Single(der.Certificates);
        Assert.Contains("TCB Signing", leafFirst.Parsed[0].SubjectCommonName, StringComparison.Ordinal);
        Assert.True(der.Parsed[0].IsSelfIssued);
    }

    [Fact]
    public void CertificateChain_CorruptPem_NamesTheInput()
    {
        byte[] pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"u8.ToArray();

        AttestationFormatException error = Assert.Throws<AttestationFormatException>(() => CertificateChain.Parse(pem, "my.pem"));

        Assert.Contains("my.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SgxPckExtensions_FromPhalaPckCertificate_MatchesVector()
    {
        var quote = Ppml.Attestation.Quotes.Quote.Parse(DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin"));
        CertificateChain chain = CertificateChain.Parse(quote.SignatureData.CertificationData.Data.Span);

        SgxPckExtensions extensions = SgxPckExtensions.Parse(chain.Parsed[0].SgxExtensionValue.Span);

        Assert.Equal("00a067110000", Convert.ToHexStringLower(extensions.Fmspc.Span));
        Assert.Equal("0000", Convert.ToHexStringLower(extensions.PceId.Span));
        Assert.Equal(16, extensions.CpuSvn.Length);
        Assert.Equal(16, extensions.Ppid.Length);
    }

    [Fact]
    public void SgxPckExtensions_Truncated_Throws()
    {
        Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.Parse([0x30, 0x80]));
        Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.Parse([0x30, 0x00]));
    }

    [Fact]
    public void ParseBundleJson_DcapQvlShape_FillsEveryPart()
    {
        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(DcapVectors.Read("phala-dcap-qvl/tdx_quote_collateral.json"));

        Assert.NotNull(collateral.TcbInfo);
        Assert.NotNull(collateral.QeIdentity);
        Assert.NotNull(collateral.RootCaCrl);
        Assert.NotNull(collateral.PckCrl);
        Assert.Equal(2, collateral.TcbInfoIssuerChain!.Count);
        Assert.Equal(2, collateral.QeIdentityIssuerChain!.Count);
        Assert.Equal("TD_QE", collateral.QeIdentity!.Identity.Id);
    }

    [Fact]
    public void ParseBundleJson_IntelShapeWithPcsBodiesAndCamelCase_IsEquivalent()
    {
        QuoteCollateral reference = QuoteCollateral.ParseBundleJson(DcapVectors.Read("phala-dcap-qvl/sgx_quote_collateral.json"));
        string tcbInfoBody = $"{{\"tcbInfo\":{Encoding.UTF8.GetString(reference.TcbInfo!.Body.Span)},\"signature\":\"{Convert.ToHexStringLower(reference.TcbInfo.Signature.Span)}\"}}";
        var bundle = new Dictionary<string, object>
        {
            ["tcbInfo"] = tcbInfoBody,
            ["tcbInfoIssuerChain"] = reference.TcbInfoIssuerChain!.ToPem(),
            ["qeIdentity"] = System.Text.Json.JsonDocument.Parse(
                $"{{\"enclaveIdentity\":{Encoding.UTF8.GetString(reference.QeIdentity!.Body.Span)},\"signature\":\"{Convert.ToHexStringLower(reference.QeIdentity.Signature.Span)}\"}}").RootElement,
            ["rootCaCrl"] = Convert.ToBase64String(reference.RootCaCrl!.Der.Span),
        };

        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(bundle));

        Assert.True(collateral.TcbInfo!.Body.Span.SequenceEqual(reference.TcbInfo.Body.Span));
        Assert.True(collateral.QeIdentity!.Body.Span.SequenceEqual(reference.QeIdentity.Body.Span));
        Assert.True(collateral.RootCaCrl!.Der.Span.SequenceEqual(reference.RootCaCrl.Der.Span));
        Assert.Null(collateral.PckCrl);
    }

    [Fact]
    public void ParseBundleJson_BadCrl_NamesTheBundleKey()
    {
        AttestationFormatException error = Assert.Throws<AttestationFormatException>(
            () => QuoteCollateral.ParseBundleJson("""{"pck_crl":"zz-not-a-crl"}"""u8));

        Assert.Equal("pck_crl", error.Field);
    }

    [Fact]
    public void IntelSgxRootCa_IsTheProductionRoot()
    {
        byte[] fingerprint = System.Security.Cryptography.SHA256.HashData(IntelSgxRootCa.Der.Span);

        Assert.Equal("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3", Convert.ToHexStringLower(fingerprint));
        Assert.True(IntelSgxRootCa.Der.Span.SequenceEqual(DcapVectors.Read("intel_sgx_root_ca.der")));
    }
}
