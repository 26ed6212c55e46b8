using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// A collateral document Intel signs (TCB Info, QE Identity): the signed JSON object exactly as served, the ECDSA
/// signature over it, and its parsed content. The signature is checked by the verifier against the TCB signing chain.
/// </summary>
/// <typeparam name="TContent">The parsed content.</typeparam>
public abstract class SignedDocument<TContent>
{
    private protected SignedDocument(Parts parts)
    {
        Body = parts.Body;
        CompactBody = parts.CompactBody;
        Signature = parts.Signature;
        Content = parts.Content;
    }

    /// <summary>The signed bytes: the JSON object exactly as served.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>ECDSA P-256 signature r||s (64 bytes).</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    internal ReadOnlyMemory<byte> CompactBody { get; }

    internal SignatureMemo Signatures { get; } = new();

    private protected TContent Content { get; }

    /// <summary>Splits an Intel PCS body (<c>{"KEY": {...}, "signature": "hex"}</c>, KEY one of <paramref name="keys"/>) and parses it.</summary>
    private protected static Parts ParsePcs(ReadOnlySpan<byte> json, string[] keys, string input, Func<JsonElement, string, TContent> parse)
    {
        byte[] copy = json.ToArray();
        (byte[] body, byte[] signature) = JsonReading.Guard(input, () => SignedCollateral.SplitPcsBody(copy, keys, input));
        return Build(body, signature, input, parse);
    }

    /// <summary>Checks the signature's length and parses the signed object.</summary>
    private protected static Parts Build(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, string input, Func<JsonElement, string, TContent> parse)
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
            TContent content = parse(document.RootElement, input);
            return new Parts(bodyBytes, SignedCollateral.Compact(document.RootElement), signatureBytes, content);
        });
    }

    /// <summary>What a signed document is made of.</summary>
    private protected readonly record struct Parts(byte[] Body, byte[] CompactBody, byte[] Signature, TContent Content);
}
