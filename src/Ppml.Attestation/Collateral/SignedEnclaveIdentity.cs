using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>QE Identity with Intel's signature over its exact bytes (verified against the TCB signing chain).</summary>
public sealed class SignedEnclaveIdentity
{
    // PCS API v3 and later use "enclaveIdentity"; API v2 used "qeIdentity".
    private static readonly string[] s_keys = ["enclaveIdentity", "qeIdentity"];

    private SignedEnclaveIdentity(byte[] body, byte[] compactBody, byte[] signature, EnclaveIdentity identity)
    {
        Body = body;
        CompactBody = compactBody;
        Signature = signature;
        Identity = identity;
    }

    /// <summary>The signed bytes: the <c>enclaveIdentity</c> object exactly as served.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>ECDSA P-256 signature r||s (64 bytes).</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The parsed identity.</summary>
    public EnclaveIdentity Identity { get; }

    internal ReadOnlyMemory<byte> CompactBody { get; }

    internal SignatureMemo Signatures { get; } = new();

    /// <summary>Parses an Intel PCS identity response body: <c>{"enclaveIdentity": {...}, "signature": "hex"}</c>.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed identity (its signature is checked by the verifier, not here).</returns>
    /// <exception cref="AttestationFormatException">The JSON is not an Enclave Identity.</exception>
    public static SignedEnclaveIdentity ParsePcsJson(ReadOnlySpan<byte> json, string input = "QE Identity")
    {
        byte[] copy = json.ToArray();
        (byte[] body, byte[] signature) = JsonReading.Guard(input, () => SignedCollateral.SplitPcsBody(copy, s_keys, input));
        return Create(body, signature, input);
    }

    /// <summary>Builds a signed identity from the signed <c>enclaveIdentity</c> bytes and the raw signature.</summary>
    /// <param name="body">The exact signed JSON text of the <c>enclaveIdentity</c> object.</param>
    /// <param name="signature">ECDSA signature r||s (64 bytes).</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed identity.</returns>
    /// <exception cref="AttestationFormatException">The body is not an Enclave Identity or the signature is not 64 bytes.</exception>
    public static SignedEnclaveIdentity Create(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, string input = "QE Identity")
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
            EnclaveIdentity identity = EnclaveIdentity.Parse(document.RootElement, input);
            return new SignedEnclaveIdentity(bodyBytes, SignedCollateral.Compact(document.RootElement), signatureBytes, identity);
        });
    }
}
