namespace Ppml.Attestation.Collateral;

/// <summary>QE Identity with Intel's signature over its exact bytes (verified against the TCB signing chain).</summary>
public sealed class SignedEnclaveIdentity : SignedDocument<EnclaveIdentity>
{
    // PCS API v3 and later use "enclaveIdentity"; API v2 used "qeIdentity".
    private static readonly string[] s_keys = ["enclaveIdentity", "qeIdentity"];

    private SignedEnclaveIdentity(Parts parts)
        : base(parts)
    {
    }

    /// <summary>The parsed identity.</summary>
    public EnclaveIdentity Identity => Content;

    /// <summary>Parses an Intel PCS identity response body: <c>{"enclaveIdentity": {...}, "signature": "hex"}</c>.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed identity (its signature is checked by the verifier, not here).</returns>
    /// <exception cref="AttestationFormatException">The JSON is not an Enclave Identity.</exception>
    public static SignedEnclaveIdentity ParsePcsJson(ReadOnlySpan<byte> json, string input = "QE Identity") =>
        new(ParsePcs(json, s_keys, input, EnclaveIdentity.Parse));

    /// <summary>Builds a signed identity from the signed <c>enclaveIdentity</c> bytes and the raw signature.</summary>
    /// <param name="body">The exact signed JSON text of the <c>enclaveIdentity</c> object.</param>
    /// <param name="signature">ECDSA signature r||s (64 bytes).</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed identity.</returns>
    /// <exception cref="AttestationFormatException">The body is not an Enclave Identity or the signature is not 64 bytes.</exception>
    public static SignedEnclaveIdentity Create(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, string input = "QE Identity") =>
        new(Build(body, signature, input, EnclaveIdentity.Parse));
}
