using System.Text.Json;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Tests.Verification;

/// <summary>Every case of tests/data/testdata/attestation/vectors.json gives its expected result.</summary>
public sealed class DcapVectorTests
{
    public static TheoryData<string> Vectors => DcapVectors.All;

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_SharedVector_GivesExpectedResult(string id)
    {
        JsonElement vector = DcapVectors.Get(id);
        JsonElement expected = vector.GetProperty("expected");
        QuoteVerificationResult result = Verify(vector, strict: false);
        string outcome = expected.GetProperty("result").GetString()!;

        if (outcome.StartsWith("valid", StringComparison.Ordinal) || outcome == "depends on expiry policy")
        {
            Assert.True(result.Valid, $"{id}: {result.Error?.Code} {result.Error?.Message}");
            Assert.Null(result.Error);
            Assert.Equal(Enum.Parse<TcbStatus>(expected.GetProperty("tcb_status").GetString()!), result.TcbStatus);
            Assert.Equal(
                expected.GetProperty("advisory_ids").EnumerateArray().Select(a => a.GetString()!).Order(),
                result.AdvisoryIds!.Order());
        }
        else if (outcome == "invalid")
        {
            Assert.False(result.Valid);
            Assert.Null(result.TcbStatus);
            Assert.Equal(expected.GetProperty("qvl_status").GetString(), result.Error!.Code);
        }
        else
        {
            // No collateral in the source: the chain and every signature verify, the TCB status cannot be known.
            Assert.StartsWith("signatures+PCK chain valid", outcome, StringComparison.Ordinal);
            Assert.False(result.Valid);
            Assert.Null(result.TcbStatus);
            Assert.Equal("STATUS_MISSING_PARAMETERS", result.Error!.Code);
            Assert.Contains("signatures are valid", result.Error.Message, StringComparison.Ordinal);
        }

        AssertMeasurements(vector, result);
    }

    [Fact]
    public void Verify_StalePckCrl_IsFlaggedButNotFatal_AndFatalWhenStrict()
    {
        JsonElement vector = DcapVectors.Get("mobilecoin-sgx-v3-stale-pck-crl");

        QuoteVerificationResult lenient = Verify(vector, strict: false);
        Assert.True(lenient.Valid);
        Assert.True(lenient.CollateralExpired);
        Assert.Contains(lenient.ExpiredCollateral, e => e.Status == QvlStatus.SgxCrlExpired);

        QuoteVerificationResult strict = Verify(vector, strict: true);
        Assert.False(strict.Valid);
        Assert.Equal("STATUS_SGX_CRL_EXPIRED", strict.Error!.Code);
        Assert.Equal(TcbStatus.SWHardeningNeeded, strict.TcbStatus);
    }

    [Theory]
    [InlineData("phala-sgx-v3")]
    [InlineData("phala-tdx-v4")]
    [InlineData("phala-near-tdx-v4")]
    [InlineData("gotdx-v5-with-phala-2026-collateral")]
    public void Verify_FullCollateralInsideItsWindow_IsCurrentAndRevocationChecked(string id)
    {
        QuoteVerificationResult result = Verify(DcapVectors.Get(id), strict: true);

        Assert.True(result.Valid, result.Error?.Message);
        Assert.False(result.CollateralExpired);
        Assert.True(result.RevocationChecked);
    }

    [Fact]
    public void Verify_PhalaSgxDayAfter_ReportsExpiredCollateral()
    {
        JsonElement vector = DcapVectors.Get("phala-sgx-v3");
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector) });
        DateTimeOffset dayAfter = DateTimeOffset.Parse("2025-07-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), DcapVectors.Collateral(vector), dayAfter);

        Assert.True(result.Valid);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, result.TcbStatus);
        Assert.True(result.CollateralExpired);
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxEnclaveIdentityExpired);
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxCrlExpired);
    }

    [Fact]
    public void Verify_GoTdxWithExpired2018SigningChain_IsFlaggedNotFatal()
    {
        JsonElement vector = DcapVectors.Get("gotdx-v5-td15-tcbinfo-only");
        QuoteCollateral collateral = DcapVectors.Collateral(vector) with
        {
            TcbInfoIssuerChain = CertificateChain.Parse(DcapVectors.Read("intel_tcb_signing_chain_2018.pem")),
        };
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { RequireRevocation = false });

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), collateral, DcapVectors.Time(vector));

        Assert.True(result.Valid);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.True(result.CollateralExpired);
        Assert.Contains(result.ExpiredCollateral, e => e.Status == QvlStatus.SgxSigningCertChainExpired);
        Assert.False(result.RevocationChecked);
    }

    [Theory]
    [InlineData("gotdx-v5-td15-tcbinfo-only")]
    public void Verify_VectorWithoutCrlsByDefault_IsInvalidForMissingRevocationData(string id)
    {
        JsonElement vector = DcapVectors.Get(id);
        var verifier = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = DcapVectors.TrustedRoot(vector) });

        QuoteVerificationResult result = verifier.Verify(DcapVectors.Quote(vector), DcapVectors.Collateral(vector), DcapVectors.Time(vector));

        Assert.False(result.Valid);
        Assert.Equal("STATUS_MISSING_PARAMETERS", result.Error!.Code);
        Assert.False(result.RevocationChecked);
    }

    /// <summary>
    /// Verifies a vector with its own collateral. A vector whose source published no CRLs has an expected verdict
    /// established without revocation data, so it is verified with the revocation requirement explicitly turned off
    /// (what <c>--no-revocation</c> does); every vector with CRLs is verified with them, as by default.
    /// </summary>
    internal static QuoteVerificationResult Verify(JsonElement vector, bool strict)
    {
        QuoteCollateral collateral = DcapVectors.Collateral(vector);
        var verifier = new QuoteVerifier(new QuoteVerifierOptions
        {
            TrustedRootCertificate = DcapVectors.TrustedRoot(vector),
            Strict = strict,
            RequireRevocation = collateral.RootCaCrl is not null || collateral.PckCrl is not null,
        });
        return verifier.Verify(DcapVectors.Quote(vector), collateral, DcapVectors.Time(vector));
    }

    private static void AssertMeasurements(JsonElement vector, QuoteVerificationResult result)
    {
        if (!vector.GetProperty("reference_check").TryGetProperty("key_fields", out JsonElement fields))
        {
            Assert.Equal("STATUS_UNSUPPORTED_QUOTE_FORMAT", result.Error!.Code);
            return;
        }

        JsonElement header = vector.GetProperty("reference_check").GetProperty("header");
        Assert.Equal(header.GetProperty("version").GetInt32(), result.QuoteVersion);
        Assert.Equal(header.GetProperty("tee_type").GetInt32() == 0 ? "SGX" : "TDX", result.Tee);
        Assert.Equal(fields.GetProperty("report_data").GetString(), result.ReportData);
        if (fields.TryGetProperty("mr_enclave", out JsonElement mrEnclave))
        {
            Assert.Equal(mrEnclave.GetString(), result.MrEnclave);
            Assert.Equal(fields.GetProperty("mr_signer").GetString(), result.MrSigner);
            Assert.Equal(fields.GetProperty("isv_prod_id").GetInt32(), result.IsvProdId);
            Assert.Equal(fields.GetProperty("isv_svn").GetInt32(), result.IsvSvn);
            Assert.Null(result.MrTd);
        }
        else
        {
            Assert.Equal(fields.GetProperty("mr_td").GetString(), result.MrTd);
            Assert.Equal(fields.GetProperty("rtmr0").GetString(), result.Rtmr0);
            Assert.Equal(fields.GetProperty("rtmr1").GetString(), result.Rtmr1);
            Assert.Equal(fields.GetProperty("rtmr2").GetString(), result.Rtmr2);
            Assert.Equal(fields.GetProperty("rtmr3").GetString(), result.Rtmr3);
            Assert.Null(result.MrEnclave);
        }
    }
}
