using System.Text.Json;
using Ppml.Attestation.Internal;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Policy;

/// <summary>SGX rules: the enclave is accepted by MRENCLAVE, or by signer (MRSIGNER, ISVPRODID, minimum ISVSVN).</summary>
public sealed record SgxPolicy
{
    /// <summary>Accepted MRENCLAVE values (32 bytes each).</summary>
    public IReadOnlyList<byte[]> MrEnclaves { get; init; } = [];

    /// <summary>Accepted signers.</summary>
    public IReadOnlyList<SgxSignerPolicy> Signers { get; init; } = [];

    /// <summary>Accept debug enclaves (ATTRIBUTES.DEBUG). <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowDebug { get; init; }

    internal static SgxPolicy Parse(JsonElement element, string input)
    {
        AppraisalPolicy.Expect(element, JsonValueKind.Object, input, "sgx");
        AppraisalPolicy.OnlyKnown(element, input, "sgx", "mrEnclave", "signers", "allowDebug");
        var signers = new List<SgxSignerPolicy>();
        if (element.TryGetProperty("signers", out JsonElement signerArray))
        {
            AppraisalPolicy.Expect(signerArray, JsonValueKind.Array, input, "sgx.signers");
            foreach (JsonElement signer in signerArray.EnumerateArray())
            {
                string path = $"sgx.signers[{signers.Count}]";
                AppraisalPolicy.Expect(signer, JsonValueKind.Object, input, path);
                AppraisalPolicy.OnlyKnown(signer, input, path, "mrSigner", "isvProdId", "minIsvSvn");
                signers.Add(new SgxSignerPolicy
                {
                    MrSigner = Hex.DecodeExact(JsonReading.String(signer, "mrSigner", input, path), 32, input, $"{path}.mrSigner"),
                    IsvProdId = (int)JsonReading.UnsignedInteger(signer, "isvProdId", ushort.MaxValue, input, path),
                    MinIsvSvn = signer.TryGetProperty("minIsvSvn", out _) ? (int)JsonReading.UnsignedInteger(signer, "minIsvSvn", ushort.MaxValue, input, path) : 0,
                });
            }
        }

        return new SgxPolicy
        {
            MrEnclaves = AppraisalPolicy.Measurements(element, "mrEnclave", 32, input, "sgx"),
            Signers = signers,
            AllowDebug = AppraisalPolicy.Bool(element, "allowDebug", false, input),
        };
    }

    internal void Appraise(SgxEnclaveReport report, List<string> reasons)
    {
        if (MrEnclaves.Count == 0 && Signers.Count == 0)
        {
            reasons.Add("the \"sgx\" section names no MRENCLAVE and no signer, so no enclave can match");
        }
        else
        {
            bool byEnclave = MrEnclaves.Any(m => report.MrEnclave.Span.SequenceEqual(m));
            bool bySigner = Signers.Any(s => report.MrSigner.Span.SequenceEqual(s.MrSigner.Span) && report.IsvProdId == s.IsvProdId && report.IsvSvn >= s.MinIsvSvn);
            if (!byEnclave && !bySigner)
            {
                reasons.Add(
                    $"enclave MRENCLAVE {Hex.Lower(report.MrEnclave.Span)} / MRSIGNER {Hex.Lower(report.MrSigner.Span)} ISVPRODID {report.IsvProdId} ISVSVN {report.IsvSvn} " +
                    "matches no allowed MRENCLAVE and no allowed signer");
            }
        }

        if (report.IsDebug && !AllowDebug)
        {
            reasons.Add("the enclave is a debug enclave (ATTRIBUTES.DEBUG set) and the policy does not allow debug");
        }
    }
}

/// <summary>An accepted SGX signer: enclaves with this MRSIGNER and ISVPRODID, at ISVSVN at least <see cref="MinIsvSvn"/>.</summary>
public sealed record SgxSignerPolicy
{
    /// <summary>MRSIGNER (32 bytes).</summary>
    public required ReadOnlyMemory<byte> MrSigner { get; init; }

    /// <summary>ISVPRODID.</summary>
    public required int IsvProdId { get; init; }

    /// <summary>Minimum ISVSVN. <value>Default: 0.</value></summary>
    public int MinIsvSvn { get; init; }
}
