using System.Security.Cryptography;
using System.Text.Json;
using Ppml.Kms.Server.Attestation;

namespace Ppml.Kms.Server.Tests.Fakes;

/// <summary>
/// A test verifier standing in for the DCAP verifier: "evidence" is a JSON claim set followed by an HMAC-SHA256 over it
/// with a key only the fake (and the test's fake TEE) knows, so forged or altered evidence is rejected. The policy is
/// {"tee": [...], "mrEnclave": [...], "allowSimulation": bool}.
/// </summary>
public sealed class FakeEvidenceVerifier : IEvidenceVerifier
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public int Calls { get; private set; }

    /// <summary>Creates evidence as a fake TEE would.</summary>
    public byte[] CreateEvidence(string tee, byte[] reportData, string mrEnclave = "aa", string mrSigner = "bb", int isvSvn = 3, string tcbStatus = "UpToDate")
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["tee"] = tee,
            ["mrEnclave"] = Expand(mrEnclave),
            ["mrSigner"] = Expand(mrSigner),
            ["isvProdId"] = 1,
            ["isvSvn"] = isvSvn,
            ["tcbStatus"] = tcbStatus,
            ["reportData"] = Convert.ToHexStringLower(reportData),
        });
        return [.. body, .. HMACSHA256.HashData(_key, body)];
    }

    public static string Expand(string hexByte) => string.Concat(Enumerable.Repeat(hexByte, 32));

    public string? ValidatePolicy(string policyJson)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(policyJson);
            return document.RootElement.TryGetProperty("tee", out JsonElement tee) && tee.ValueKind == JsonValueKind.Array
                ? null
                : "the fake policy needs a 'tee' array";
        }
        catch (JsonException exception)
        {
            return exception.Message;
        }
    }

    public Task<EvidenceVerdict> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte>? collateral, string policyJson, CancellationToken cancellationToken)
    {
        Calls++;
        if (evidence.Length <= 32)
        {
            return Task.FromResult(EvidenceVerdict.Rejected("unknown", $"the evidence is {evidence.Length} bytes; too short for a quote"));
        }

        ReadOnlySpan<byte> body = evidence.Span[..^32];
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, body), evidence.Span[^32..]))
        {
            return Task.FromResult(EvidenceVerdict.Rejected("unknown", "the quote signature does not verify"));
        }

        using JsonDocument quote = JsonDocument.Parse(body.ToArray());
        using JsonDocument policy = JsonDocument.Parse(policyJson);
        JsonElement q = quote.RootElement;
        string tee = q.GetProperty("tee").GetString()!;
        string effective = tee;
        if (tee == TeeKinds.Simulation)
        {
            bool allow = policy.RootElement.TryGetProperty("allowSimulation", out JsonElement a) && a.GetBoolean();
            if (!allow)
            {
                return Task.FromResult(EvidenceVerdict.Rejected(tee, "simulated evidence is not accepted by this policy"));
            }

            effective = TeeKinds.Sgx;
        }

        string[] allowed = [.. policy.RootElement.GetProperty("tee").EnumerateArray().Select(e => e.GetString()!)];
        if (!allowed.Contains(effective))
        {
            return Task.FromResult(EvidenceVerdict.Rejected(tee, $"the evidence is a {effective} quote; the policy accepts {string.Join(", ", allowed)}"));
        }

        if (policy.RootElement.TryGetProperty("mrEnclave", out JsonElement mrEnclaves)
            && !mrEnclaves.EnumerateArray().Any(m => m.GetString() == q.GetProperty("mrEnclave").GetString()))
        {
            return Task.FromResult(EvidenceVerdict.Rejected(tee, "MRENCLAVE is not allowed by the policy"));
        }

        return Task.FromResult(new EvidenceVerdict
        {
            IsAccepted = true,
            Tee = tee,
            MrEnclave = q.GetProperty("mrEnclave").GetString(),
            MrSigner = q.GetProperty("mrSigner").GetString(),
            IsvProdId = q.GetProperty("isvProdId").GetInt32(),
            IsvSvn = q.GetProperty("isvSvn").GetInt32(),
            TcbStatus = q.GetProperty("tcbStatus").GetString()!,
            AdvisoryIds = ["INTEL-SA-00000"],
            ReportData = Convert.FromHexString(q.GetProperty("reportData").GetString()!),
        });
    }
}
