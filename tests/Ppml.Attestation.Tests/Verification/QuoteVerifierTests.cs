using System.Buffers.Binary;
using System.Text;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Tests.Verification;

/// <summary>Error paths that no shared vector covers, built on the simulated platform.</summary>
public sealed class QuoteVerifierTests
{
    private static readonly System.Text.Json.JsonSerializerOptions s_indented = new() { WriteIndented = true };

    [Fact]
    public async Task Verify_FlippedBodyByte_IsInvalidQuoteSignature()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        quote[48 + 64] ^= 0x01; // MRENCLAVE[0]

        Assert.Equal("STATUS_INVALID_QUOTE_SIGNATURE", Verify(platform, quote).Error!.Code);
    }

    [Fact]
    public async Task Verify_FlippedQeReportByte_IsInvalidQeReportSignature()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        quote[48 + 384 + 4 + 128 + 100] ^= 0x01;

        Assert.Equal("STATUS_INVALID_QE_REPORT_SIGNATURE", Verify(platform, quote).Error!.Code);
    }

    [Fact]
    public async Task Verify_FlippedQeAuthenticationData_IsInvalidQeReportData()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        quote[48 + 384 + 4 + 128 + 384 + 64 + 2] ^= 0x01;

        Assert.Equal("STATUS_INVALID_QE_REPORT_DATA", Verify(platform, quote).Error!.Code);
    }

    [Fact]
    public async Task Verify_AttackerSwapsInOwnAttestationKey_IsInvalidQeReportData()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        System.Security.Cryptography.ECParameters parameters = attacker.ExportParameters(false);
        byte[] key = [.. parameters.Q.X!, .. parameters.Q.Y!];
        key.CopyTo(quote, 48 + 384 + 4 + 64);
        byte[] signature = attacker.SignData(quote.AsSpan(0, 432), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        signature.CopyTo(quote, 48 + 384 + 4);

        Assert.Equal("STATUS_INVALID_QE_REPORT_DATA", Verify(platform, quote).Error!.Code);
    }

    [Fact]
    public async Task Verify_WithoutTcbSigningChain_IsSigningCertMissing()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx) with { TcbInfoIssuerChain = null, QeIdentityIssuerChain = null };

        Assert.Equal("STATUS_SGX_TCB_SIGNING_CERT_MISSING", Sim.VerifySgx(platform, collateral).Error!.Code);
    }

    [Fact]
    public async Task Verify_SigningChainWithoutTcbSigningCertificate_IsSigningCertMissing()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        CertificateChain wrong = CertificateChain.FromDer([platform.PckCaCertificate, platform.RootCertificate]);
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx) with { TcbInfoIssuerChain = wrong, QeIdentityIssuerChain = wrong };

        Assert.Equal("STATUS_SGX_TCB_SIGNING_CERT_MISSING", Sim.VerifySgx(platform, collateral).Error!.Code);
    }

    [Fact]
    public async Task Verify_TcbInfoSignedByAnotherPlatform_IsTcbSigningChainUntrustedOrInvalidSignature()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        using SimulatedPlatform other = await Sim.CreateAsync(new SimulatedPlatformOptions());
        QuoteCollateral foreignChain = platform.GetCollateral(TeeType.Sgx) with
        {
            TcbInfoIssuerChain = other.GetCollateral(TeeType.Sgx).TcbInfoIssuerChain,
            RootCaCrl = null,
        };
        QuoteCollateral foreignTcbInfo = platform.GetCollateral(TeeType.Sgx) with { TcbInfo = other.GetCollateral(TeeType.Sgx).TcbInfo };

        Assert.Equal("STATUS_SGX_TCB_SIGNING_CERT_CHAIN_UNTRUSTED", Sim.VerifySgx(platform, foreignChain).Error!.Code);
        Assert.Equal("STATUS_TCB_INFO_INVALID_SIGNATURE", Sim.VerifySgx(platform, foreignTcbInfo).Error!.Code);
    }

    [Fact]
    public async Task Verify_TamperedQeIdentity_IsEnclaveIdentityInvalidSignature()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        string json = Encoding.UTF8.GetString(platform.QeIdentityJson.Span).Replace("\"isvprodid\":1", "\"isvprodid\":3", StringComparison.Ordinal);
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx) with { QeIdentity = SignedEnclaveIdentity.ParsePcsJson(Encoding.UTF8.GetBytes(json)) };

        Assert.Equal("STATUS_SGX_ENCLAVE_IDENTITY_INVALID_SIGNATURE", Sim.VerifySgx(platform, collateral).Error!.Code);
    }

    [Fact]
    public async Task Verify_PrettyPrintedTcbInfo_VerifiesOverTheCompactForm()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        using var document = System.Text.Json.JsonDocument.Parse(platform.SgxTcbInfoJson);
        string indented = System.Text.Json.JsonSerializer.Serialize(document.RootElement, s_indented);
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx) with { TcbInfo = SignedTcbInfo.ParsePcsJson(Encoding.UTF8.GetBytes(indented)) };

        Assert.False(collateral.TcbInfo!.Body.Span.SequenceEqual(platform.GetCollateral(TeeType.Sgx).TcbInfo!.Body.Span));
        Assert.True(Sim.VerifySgx(platform, collateral).Valid);
    }

    [Fact]
    public async Task Verify_SgxCollateralForTdxQuote_IsMismatch()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteCollateral sgx = platform.GetCollateral(TeeType.Sgx);
        QuoteCollateral tdxInfoSgxIdentity = platform.GetCollateral(TeeType.Tdx) with { QeIdentity = sgx.QeIdentity };

        Assert.Equal("STATUS_TCB_INFO_MISMATCH", Sim.VerifyTdx(platform, collateral: sgx).Error!.Code);
        Assert.Equal("STATUS_TCB_INFO_MISMATCH", Sim.VerifySgx(platform, platform.GetCollateral(TeeType.Tdx)).Error!.Code);
        Assert.Equal("STATUS_QE_IDENTITY_MISMATCH", Sim.VerifyTdx(platform, collateral: tdxInfoSgxIdentity).Error!.Code);
    }

    [Fact]
    public async Task Verify_TdxModuleIdentityMissingOrDifferent_IsReported()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        string body = TcbInfoBody(platform.TdxTcbInfoJson);
        string noIdentities = body[..body.IndexOf(",\"tdxModuleIdentities\"", StringComparison.Ordinal)] +
            body[body.LastIndexOf(",\"tcbLevels\"", StringComparison.Ordinal)..];
        string otherVersion = body.Replace("\"TDX_01\"", "\"TDX_02\"", StringComparison.Ordinal);
        string otherSigner = body.Replace("\"mrsigner\":\"000000000000", "\"mrsigner\":\"010000000000", StringComparison.Ordinal);

        Assert.Equal("STATUS_TCB_INFO_MISMATCH", VerifyTdxWith(platform, noIdentities).Error!.Code);
        Assert.Equal("STATUS_TDX_MODULE_MISMATCH", VerifyTdxWith(platform, otherVersion).Error!.Code);
        Assert.Equal("STATUS_TDX_MODULE_MISMATCH", VerifyTdxWith(platform, otherSigner).Error!.Code);
    }

    [Fact]
    public async Task Verify_NoTcbInfo_ChecksSignaturesButReportsMissingParameters()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        byte[] tampered = [.. quote];
        tampered[48 + 320] ^= 1;

        QuoteVerificationResult good = Sim.Verifier(platform).Verify(quote, QuoteCollateral.Empty, Sim.Now);
        QuoteVerificationResult bad = Sim.Verifier(platform).Verify(tampered, QuoteCollateral.Empty, Sim.Now);

        Assert.Equal("STATUS_MISSING_PARAMETERS", good.Error!.Code);
        Assert.Null(good.TcbStatus);
        Assert.False(good.RevocationChecked);
        Assert.Equal("STATUS_INVALID_QUOTE_SIGNATURE", bad.Error!.Code);
    }

    [Fact]
    public async Task Verify_CrlFromAnotherIssuer_IsUnknownIssuer()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Sgx);
        QuoteCollateral swapped = collateral with { PckCrl = collateral.RootCaCrl };

        Assert.Equal("STATUS_SGX_CRL_UNKNOWN_ISSUER", Sim.VerifySgx(platform, swapped).Error!.Code);
    }

    [Fact]
    public async Task Verify_QuoteWithoutEmbeddedChain_NeedsTheChainSupplied()
    {
        byte[] quote = DcapVectors.Read("intel-qvl-sample-sgx/quote.dat");
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.Read("intel-qvl-sample-sgx/trustedRootCaCert.pem") });

        QuoteVerificationResult result = verifier.Verify(quote, QuoteCollateral.Empty, Sim.Now);

        Assert.Equal("STATUS_UNSUPPORTED_QE_CERTIFICATION_DATA_TYPE", result.Error!.Code);
        Assert.Contains("supply the PCK certificate chain", result.Error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Verify_EncryptedPpidQuote_ParsesButCannotBeVerifiedOffline()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        Quote parsed = Quote.Parse(quote);
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(parsed.SignatureData.CertificationData.Offset - 6), 3);

        Quote reparsed = Quote.Parse(quote);
        QuoteVerificationResult result = Verify(platform, quote);

        Assert.Equal(CertificationDataType.PpidRsa3072Oaep, reparsed.SignatureData.CertificationData.Type);
        Assert.Equal("STATUS_UNSUPPORTED_QE_CERTIFICATION_DATA_TYPE", result.Error!.Code);
        Assert.Contains("encrypted PPID", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EmbeddedChainThatIsNotPem_IsUnsupportedCertFormat()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();
        byte[] quote = Sim.SgxQuote(platform);
        int offset = Quote.Parse(quote).SignatureData.CertificationData.Offset;
        "-----BEGIN CERTIFICATE-----\n!!"u8.CopyTo(quote.AsSpan(offset));

        Assert.Equal("STATUS_UNSUPPORTED_CERT_FORMAT", Verify(platform, quote).Error!.Code);
    }

    [Fact]
    public async Task Verify_ResultJson_IsOneCamelCaseObjectWithoutNulls()
    {
        SimulatedPlatform platform = await Sim.DefaultAsync();

        string json = Sim.VerifySgx(platform).ToJson();
        using var document = System.Text.Json.JsonDocument.Parse(json);
        string[] names = document.RootElement.EnumerateObject().Select(p => p.Name).ToArray();

        Assert.Equal(
            ["valid", "tee", "quoteVersion", "tcbStatus", "advisoryIds", "collateralExpired", "revocationChecked", "mrEnclave", "mrSigner", "isvProdId", "isvSvn", "reportData"],
            names);
        Assert.Equal("UpToDate", document.RootElement.GetProperty("tcbStatus").GetString());
        Assert.Equal(Convert.ToHexStringLower(Sim.ReportData), document.RootElement.GetProperty("reportData").GetString());
    }

    private static QuoteVerificationResult Verify(SimulatedPlatform platform, byte[] quote) =>
        Sim.Verifier(platform).Verify(quote, platform.GetCollateral(quote[4] == 0x81 ? TeeType.Tdx : TeeType.Sgx), Sim.Now);

    private static string TcbInfoBody(ReadOnlyMemory<byte> pcsJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(pcsJson);
        return document.RootElement.GetProperty("tcbInfo").GetRawText();
    }

    private static QuoteVerificationResult VerifyTdxWith(SimulatedPlatform platform, string tcbInfoBody)
    {
        byte[] signed = platform.SignPcsBody("tcbInfo", Encoding.UTF8.GetBytes(tcbInfoBody));
        QuoteCollateral collateral = platform.GetCollateral(TeeType.Tdx) with { TcbInfo = SignedTcbInfo.ParsePcsJson(signed) };
        return Sim.VerifyTdx(platform, collateral: collateral);
    }
}
