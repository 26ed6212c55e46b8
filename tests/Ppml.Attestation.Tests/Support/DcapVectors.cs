using System.Text.Json;
using Ppml.Attestation.Collateral;
using Ppml.Testing;

namespace Ppml.Attestation.Tests.Support;

/// <summary>Reads tests/data/testdata/attestation/vectors.json (through SharedData) and builds each case's inputs.</summary>
public static class DcapVectors
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("testdata", "attestation", "vectors.json"))));

    public static IEnumerable<string> Ids =>
        s_document.Value.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!);

    public static TheoryData<string> All => new(Ids);

    public static JsonElement Get(string id) =>
        s_document.Value.RootElement.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    public static string PathOf(string relative) => SharedData.PathOf(["testdata", "attestation", .. relative.Split('/')]);

    public static byte[] Read(string relative) => File.ReadAllBytes(PathOf(relative));

    public static byte[] Quote(JsonElement vector) => Read(vector.GetProperty("quote").GetString()!);

    public static byte[] TrustedRoot(JsonElement vector) => Read(vector.GetProperty("trusted_root").GetString()!);

    public static DateTimeOffset Time(JsonElement vector) =>
        DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("verification_time_unix").GetInt64());

    public static QuoteCollateral Collateral(JsonElement vector)
    {
        JsonElement collateral = vector.GetProperty("collateral");
        if (collateral.ValueKind == JsonValueKind.Null)
        {
            return QuoteCollateral.Empty;
        }

        string format = collateral.GetProperty("format").GetString()!;
        if (format == "dcap-qvl-QuoteCollateralV3-json")
        {
            return QuoteCollateral.ParseBundleJson(Read(collateral.GetProperty("file").GetString()!));
        }

        Assert.Equal("files", format);
        return new QuoteCollateral
        {
            TcbInfo = Optional(collateral, "tcb_info") is { } tcb ? SignedTcbInfo.ParsePcsJson(tcb) : null,
            TcbInfoIssuerChain = Chain(collateral, "tcb_info_issuer_chain"),
            QeIdentity = Optional(collateral, "qe_identity") is { } qe ? SignedEnclaveIdentity.ParsePcsJson(qe) : null,
            QeIdentityIssuerChain = Chain(collateral, "qe_identity_issuer_chain"),
            RootCaCrl = Optional(collateral, "root_ca_crl") is { } rootCrl ? RevocationList.Parse(rootCrl) : null,
            PckCrl = Optional(collateral, "pck_crl") is { } pckCrl ? RevocationList.Parse(pckCrl) : null,
            PckCertificateChain = Chain(collateral, "pck_cert_chain"),
        };
    }

    private static byte[]? Optional(JsonElement collateral, string name) =>
        collateral.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? Read(value.GetString()!) : null;

    private static CertificateChain? Chain(JsonElement collateral, string name)
    {
        if (!collateral.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        IEnumerable<string> files = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(f => f.GetString()!)
            : [value.GetString()!];
        return CertificateChain.Concat(files.Select(f => CertificateChain.Parse(Read(f), f)));
    }
}
