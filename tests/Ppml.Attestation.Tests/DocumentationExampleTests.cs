using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Tests.Support;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Tests;

/// <summary>The examples in docs/attestation.md, run as written; the JSON there is this test's expected output.</summary>
public sealed class DocumentationExampleTests
{
    private const string ExpectedJson = """
        {
          "valid": true,
          "tee": "SGX",
          "quoteVersion": 3,
          "tcbStatus": "ConfigurationAndSWHardeningNeeded",
          "advisoryIds": [
            "INTEL-SA-00289",
            "INTEL-SA-00615"
          ],
          "collateralExpired": false,
          "revocationChecked": true,
          "mrEnclave": "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb",
          "mrSigner": "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6",
          "isvProdId": 0,
          "isvSvn": 0,
          "reportData": "48656c6c6f2c20776f726c6421000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
          "policy": {
            "accepted": false,
            "reasons": [
              "TCB status ConfigurationAndSWHardeningNeeded is not allowed (allowed: UpToDate, SWHardeningNeeded)"
            ]
          }
        }
        """;

    [Fact]
    public void LibraryExample_VerifyThenAppraise_ProducesTheDocumentedJson()
    {
        byte[] quoteBytes = DcapVectors.Read("phala-dcap-qvl/sgx_quote.bin");
        byte[] bundleJson = DcapVectors.Read("phala-dcap-qvl/sgx_quote_collateral.json");
        DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(1752919277);

        // --- docs/attestation.md: "Using the library" ---
        var verifier = new QuoteVerifier();                       // trusts only the built-in Intel SGX Root CA
        QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(bundleJson);
        QuoteVerificationResult result = verifier.Verify(quoteBytes, collateral, at);
        AppraisalPolicy policy = AppraisalPolicy.Parse("""
            {
              "sgx": { "mrEnclave": "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb" },
              "allowedTcbStatuses": ["UpToDate", "SWHardeningNeeded"]
            }
            """u8);
        result = result with { Policy = policy.Evaluate(result) };
        bool release = result.IsAccepted;                          // false: ConfigurationAndSWHardeningNeeded
        // --- end of example ---

        Assert.False(release);
        Assert.Equal(ExpectedJson.ReplaceLineEndings("\n"), result.ToJson().ReplaceLineEndings("\n"));
    }
}
