namespace Ppml.Attestation.Collateral;

/// <summary>TCB Info with Intel's signature over its exact bytes (verified against the TCB signing chain).</summary>
public sealed class SignedTcbInfo : SignedDocument<TcbInfo>
{
    private static readonly string[] s_keys = ["tcbInfo"];

    private SignedTcbInfo(Parts parts)
        : base(parts)
    {
    }

    /// <summary>The parsed TCB Info.</summary>
    public TcbInfo TcbInfo => Content;

    /// <summary>Parses an Intel PCS TCB Info response body: <c>{"tcbInfo": {...}, "signature": "hex"}</c>.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed TCB Info (its signature is checked by the verifier, not here).</returns>
    /// <exception cref="AttestationFormatException">The JSON is not TCB Info.</exception>
    public static SignedTcbInfo ParsePcsJson(ReadOnlySpan<byte> json, string input = "TCB Info") =>
        new(ParsePcs(json, s_keys, input, TcbInfo.Parse));

    /// <summary>Builds signed TCB Info from the signed <c>tcbInfo</c> bytes and the raw signature.</summary>
    /// <param name="body">The exact signed JSON text of the <c>tcbInfo</c> object.</param>
    /// <param name="signature">ECDSA signature r||s (64 bytes).</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The signed TCB Info.</returns>
    /// <exception cref="AttestationFormatException">The body is not TCB Info or the signature is not 64 bytes.</exception>
    public static SignedTcbInfo Create(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, string input = "TCB Info") =>
        new(Build(body, signature, input, TcbInfo.Parse));
}
