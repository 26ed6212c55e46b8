using System.Text;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Tests.Support;

namespace Ppml.Attestation.Tests.Collateral;

/// <summary>Mutated collateral (JSON, PEM, DER) raises only <see cref="AttestationFormatException"/>.</summary>
public sealed class CollateralFuzzTests
{
    private const int PerInput = 2000;

    public static TheoryData<string> Inputs => new()
    {
        "go-tdx-guest/sample_tcbinfo_response_v5.json",
        "intel-qvl-sample-sgx/tcbInfo.json",
        "mobilecoin-attestation/qe_identity.json",
        "phala-dcap-qvl/tdx_quote_outdated_collateral.json",
        "intel-qvl-sample-sgx/rootCaCrl.der",
        "intel-qvl-sample-sgx/intermediateCaCrl.pem",
        "intel_tcb_signing_chain_2025.pem",
        "intel_sgx_root_ca.der",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Parse_MutatedCollateral_ThrowsOnlyTheDocumentedException(string file)
    {
        byte[] original = DcapVectors.Read(file);
        var random = new Random(file.Length * 7919);
        var unexpected = new List<string>();
        for (int i = 0; i < PerInput; i++)
        {
            byte[] mutated = Mutate(original, random);
            try
            {
                Parse(file, mutated);
            }
            catch (AttestationFormatException)
            {
                // The documented outcome for malformed input.
            }
            catch (Exception exception)
            {
                unexpected.Add($"{exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.Empty(unexpected.Take(10));
    }

    private static void Parse(string file, byte[] bytes)
    {
        if (file.EndsWith("collateral.json", StringComparison.Ordinal))
        {
            QuoteCollateral.ParseBundleJson(bytes);
        }
        else if (file.Contains("tcbinfo", StringComparison.OrdinalIgnoreCase))
        {
            SignedTcbInfo.ParsePcsJson(bytes);
        }
        else if (file.Contains("identity", StringComparison.Ordinal))
        {
            SignedEnclaveIdentity.ParsePcsJson(bytes);
        }
        else if (file.Contains("Crl", StringComparison.Ordinal))
        {
            RevocationList.Parse(bytes);
        }
        else
        {
            CertificateChain chain = CertificateChain.Parse(bytes);
            foreach (Ppml.Attestation.Internal.ParsedCertificate certificate in chain.Parsed)
            {
                _ = certificate.SgxExtensions;
            }
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] bytes = [.. original];
        switch (random.Next(4))
        {
            case 0:
                for (int i = 1 + random.Next(4); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                // Text-aware: replace a digit or a quote, the usual breaking points of JSON and PEM.
                string text = Encoding.Latin1.GetString(bytes);
                int at = random.Next(text.Length);
                const string Breakers = "0123456789\"{}[],:-xA=\n\0";
                char replacement = Breakers[random.Next(Breakers.Length)];
                return Encoding.Latin1.GetBytes(string.Concat(text.AsSpan(0, at), replacement.ToString(), text.AsSpan(at + 1)));
            default:
                int from = random.Next(bytes.Length);
                int count = Math.Min(1 + random.Next(16), bytes.Length - from);
                return [.. bytes[..from], .. bytes[(from + count)..]];
        }
    }
}
