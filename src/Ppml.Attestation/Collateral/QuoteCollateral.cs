using System.Text;
using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// Everything a quote is verified against besides the quote itself, already parsed: TCB Info and QE Identity with
/// their signing chains, the CRLs, and (for quotes that do not embed it) the PCK certificate chain. The fields mirror
/// Intel's <c>sgx_ql_qve_collateral_t</c>. Any part may be missing; the verifier reports what it could not check.
/// </summary>
public sealed record QuoteCollateral
{
    /// <summary>No collateral: only the PCK chain and signatures can be checked.</summary>
    public static QuoteCollateral Empty { get; } = new();

    /// <summary>Signed TCB Info for the platform's FMSPC.</summary>
    public SignedTcbInfo? TcbInfo { get; init; }

    /// <summary>Issuer chain of the TCB Info (TCB signing certificate and root CA).</summary>
    public CertificateChain? TcbInfoIssuerChain { get; init; }

    /// <summary>Signed QE Identity (<c>QE</c> for SGX, <c>TD_QE</c> for TDX).</summary>
    public SignedEnclaveIdentity? QeIdentity { get; init; }

    /// <summary>Issuer chain of the QE Identity; when <see langword="null"/>, <see cref="TcbInfoIssuerChain"/> is used.</summary>
    public CertificateChain? QeIdentityIssuerChain { get; init; }

    /// <summary>CRL of the Intel SGX Root CA.</summary>
    public RevocationList? RootCaCrl { get; init; }

    /// <summary>CRL of the PCK Processor or Platform CA that issued the PCK certificate.</summary>
    public RevocationList? PckCrl { get; init; }

    /// <summary>Issuer chain of <see cref="PckCrl"/> (informational: its expiry counts toward collateral expiry).</summary>
    public CertificateChain? PckCrlIssuerChain { get; init; }

    /// <summary>
    /// PCK certificate chain for quotes whose certification data is not a chain (types 1 to 4). When set it is used
    /// instead of the chain in the quote.
    /// </summary>
    public CertificateChain? PckCertificateChain { get; init; }

    /// <summary>
    /// Parses a collateral bundle shaped like Intel's <c>sgx_ql_qve_collateral_t</c>, as written by dcap-qvl, Intel's
    /// QPL clients and the simulated platform: snake_case or camelCase keys; <c>tcb_info</c> and
    /// <c>qe_identity</c> either as the PCS body (<c>{"tcbInfo":..,"signature":..}</c>, as a string or an object) or as
    /// the signed inner JSON text with a separate hex <c>tcb_info_signature</c> / <c>qe_identity_signature</c>; CRLs as
    /// hex DER, base64 DER or PEM; chains as PEM.
    /// </summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The parsed collateral.</returns>
    /// <exception cref="AttestationFormatException">The bundle or one of its parts is malformed.</exception>
    public static QuoteCollateral ParseBundleJson(ReadOnlySpan<byte> json, string input = "collateral")
    {
        byte[] copy = json.ToArray();
        return JsonReading.Guard(input, () => ParseBundle(copy, input));
    }

    private static QuoteCollateral ParseBundle(byte[] copy, string input)
    {
        using JsonDocument document = JsonReading.Parse(copy, input);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, "$", $"must be a JSON object, found {root.ValueKind}");
        }

        return new QuoteCollateral
        {
            PckCrlIssuerChain = Piece("pck_crl_issuer_chain", () => Chain(root, input, "pck_crl_issuer_chain", "pckCrlIssuerChain")),
            RootCaCrl = Piece("root_ca_crl", () => Crl(root, input, "root_ca_crl", "rootCaCrl")),
            PckCrl = Piece("pck_crl", () => Crl(root, input, "pck_crl", "pckCrl")),
            TcbInfoIssuerChain = Piece("tcb_info_issuer_chain", () => Chain(root, input, "tcb_info_issuer_chain", "tcbInfoIssuerChain")),
            TcbInfo = Piece("tcb_info", () => Signed(root, input, ["tcb_info", "tcbInfo"], ["tcb_info_signature", "tcbInfoSignature"], "tcbInfo",
                (body, signature, name) => SignedTcbInfo.Create(body, signature, name),
                (pcs, name) => SignedTcbInfo.ParsePcsJson(pcs, name))),
            QeIdentityIssuerChain = Piece("qe_identity_issuer_chain", () => Chain(root, input, "qe_identity_issuer_chain", "qeIdentityIssuerChain")),
            QeIdentity = Piece("qe_identity", () => Signed(root, input, ["qe_identity", "qeIdentity"], ["qe_identity_signature", "qeIdentitySignature"], "enclaveIdentity",
                (body, signature, name) => SignedEnclaveIdentity.Create(body, signature, name),
                (pcs, name) => SignedEnclaveIdentity.ParsePcsJson(pcs, name))),
            PckCertificateChain = Piece("pck_certificate_chain", () => Chain(root, input, "pck_certificate_chain", "pckCertificateChain")),
        };
    }

    /// <summary>Names the bundle key in the error, so callers can tell a bad TCB Info from a bad CRL.</summary>
    private static T? Piece<T>(string key, Func<T?> parse)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (AttestationFormatException exception) when (exception.Field != key)
        {
            throw new AttestationFormatException(exception.Message, key, null, exception);
        }
    }

    private static JsonElement? Find(JsonElement root, params string[] names)
    {
        foreach (string name in names)
        {
            if (root.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(JsonElement root, string input, params string[] names)
    {
        JsonElement? value = Find(root, names);
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.String)
        {
            throw JsonReading.Error(input, names[0], $"must be a string, found {value.Value.ValueKind}");
        }

        string text = value.Value.GetString()!;
        return text.Length == 0 ? null : text;
    }

    private static CertificateChain? Chain(JsonElement root, string input, params string[] names)
    {
        string? pem = Text(root, input, names);
        return pem is null ? null : CertificateChain.Parse(Encoding.UTF8.GetBytes(pem), $"{input}: {names[0]}");
    }

    private static RevocationList? Crl(JsonElement root, string input, params string[] names)
    {
        string? text = Text(root, input, names);
        return text is null ? null : RevocationList.Parse(Encoding.UTF8.GetBytes(text), $"{input}: {names[0]}");
    }

    private static T? Signed<T>(
        JsonElement root,
        string input,
        string[] names,
        string[] signatureNames,
        string pcsKey,
        Func<byte[], byte[], string, T> fromBody,
        Func<byte[], string, T> fromPcs)
        where T : class
    {
        JsonElement? value = Find(root, names);
        if (value is null)
        {
            return null;
        }

        string name = $"{input}: {names[0]}";
        byte[] bytes = value.Value.ValueKind switch
        {
            JsonValueKind.String => Encoding.UTF8.GetBytes(value.Value.GetString()!),
            JsonValueKind.Object => Encoding.UTF8.GetBytes(value.Value.GetRawText()),
            _ => throw JsonReading.Error(input, names[0], $"must be a JSON string or object, found {value.Value.ValueKind}"),
        };

        string? signature = Text(root, input, signatureNames);
        if (signature is null)
        {
            // Intel's shape: the PCS body with its own "signature".
            return fromPcs(bytes, name);
        }

        using (JsonDocument inner = JsonReading.Parse(bytes, name))
        {
            if (inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty(pcsKey, out _))
            {
                return fromPcs(bytes, name);
            }
        }

        return fromBody(bytes, SignedCollateral.DecodeSignature(signature, input, signatureNames[0]), name);
    }
}
