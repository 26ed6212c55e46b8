using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>TCB Info with Intel's signature over its exact bytes (verified against the TCB signing chain).</summary>
public sealed class SignedTcbInfo
{
    private static readonly string[] s_keys = ["tcbInfo"];

    private SignedTcbInfo(byte[] body, byte[] compactBody, byte[] signature, TcbInfo tcbInfo)
    {
        Body = body;
        CompactBody = compactBody;
        Signature = signature;
        TcbInfo = tcbInfo;
    }

    /// <summary>The signed bytes: the <c>tcbInfo</c> object exactly as served.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>ECDSA P-256 signature r||s (64 bytes).</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The parsed TCB Info.</summary>
    public TcbInfo TcbInfo { get; }

    internal ReadOnlyMemory<byte> CompactBody { get; }

    internal SignatureMemo Signatures { get; } = new();

    /// <summary>Parses an Intel PCS TCB Info response body: <c>{"tcbInfo": {...}, "signature": "hex"}</c>.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed TCB Info (its signature is checked by the verifier, not here).</returns>
    /// <exception cref="AttestationFormatException">The JSON is not TCB Info.</exception>
    public static SignedTcbInfo ParsePcsJson(ReadOnlySpan<byte> json, string input = "TCB Info")
    {
        byte[] copy = json.ToArray();
        (byte[] body, byte[] signature) = JsonReading.Guard(input, () => SignedCollateral.SplitPcsBody(copy, s_keys, input));
        return Create(body, signature, input);
    }

    /// <summary>Builds signed TCB Info from the signed <c>tcbInfo</c> bytes and the raw signature.</summary>
    /// <param name="body">The exact signed JSON text of the <c>tcbInfo</c> object.</param>
    /// <param name="signature">ECDSA signature r||s (64 bytes).</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed TCB Info.</returns>
    /// <exception cref="AttestationFormatException">The body is not TCB Info or the signature is not 64 bytes.</exception>
    public static SignedTcbInfo Create(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, string input = "TCB Info")
    {
        if (signature.Length != 64)
        {
            throw JsonReading.Error(input, "signature", $"is {signature.Length} bytes; expected the 64-byte ECDSA signature r||s");
        }

        byte[] bodyBytes = body.ToArray();
        byte[] signatureBytes = signature.ToArray();
        return JsonReading.Guard(input, () =>
        {
            using JsonDocument document = JsonReading.Parse(bodyBytes, input);
            TcbInfo tcbInfo = TcbInfo.Parse(document.RootElement, input);
            return new SignedTcbInfo(bodyBytes, SignedCollateral.Compact(document.RootElement), signatureBytes, tcbInfo);
        });
    }
}
