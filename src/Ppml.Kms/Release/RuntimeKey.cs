using System.Security.Cryptography;
using System.Text.Json;

namespace Ppml.Kms.Release;

/// <summary>
/// The TEE's ephemeral public key, the one a released data key is encrypted to: an ECDH P-256 key given as a
/// SubjectPublicKeyInfo (DER) or as a JWK (<c>{"kty":"EC","crv":"P-256","x":..,"y":..}</c>). Its canonical form is the
/// SPKI DER; <see cref="Sha256"/> of that is what the quote's report data and the attestation token bind.
/// </summary>
public sealed class RuntimeKey
{
    private const int CoordinateSize = 32;

    private RuntimeKey(byte[] subjectPublicKeyInfo)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        Sha256 = SHA256.HashData(subjectPublicKeyInfo);
    }

    /// <summary>The canonical encoding: X.509 SubjectPublicKeyInfo, DER.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/> (32 bytes).</summary>
    public ReadOnlyMemory<byte> Sha256 { get; }

    /// <summary><see cref="Sha256"/> as lowercase hex (the <c>runtime_key_sha256</c> token claim).</summary>
    public string Sha256Hex => Convert.ToHexStringLower(Sha256.Span);

    /// <summary>Parses a P-256 SubjectPublicKeyInfo.</summary>
    /// <param name="subjectPublicKeyInfo">DER bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KmsException">The bytes are not a P-256 public key (<see cref="KmsErrorCode.InvalidRequest"/>).</exception>
    public static RuntimeKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            using var ecdh = ECDiffieHellman.Create();
            ecdh.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw Invalid($"it has {subjectPublicKeyInfo.Length - read} trailing bytes after the DER structure");
            }

            return FromKey(ecdh);
        }
        catch (CryptographicException exception)
        {
            throw Invalid("it is not a DER SubjectPublicKeyInfo of an EC key", exception);
        }
    }

    /// <summary>Parses a P-256 JWK (<c>kty</c> EC, <c>crv</c> P-256, base64url <c>x</c> and <c>y</c>).</summary>
    /// <param name="jwk">The JWK object.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KmsException">The JWK is not a P-256 public key (<see cref="KmsErrorCode.InvalidRequest"/>).</exception>
    public static RuntimeKey FromJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"the JWK is a JSON {jwk.ValueKind}, not an object");
        }

        string kty = RequiredString(jwk, "kty");
        string crv = RequiredString(jwk, "crv");
        if (kty != "EC" || crv != "P-256")
        {
            throw Invalid($"the JWK is kty '{kty}' crv '{crv}'; only kty 'EC' with crv 'P-256' is supported");
        }

        byte[] x = Base64Url.Decode(RequiredString(jwk, "x"), "runtime key JWK field 'x'");
        byte[] y = Base64Url.Decode(RequiredString(jwk, "y"), "runtime key JWK field 'y'");
        if (x.Length != CoordinateSize || y.Length != CoordinateSize)
        {
            throw Invalid($"the JWK coordinates are {x.Length} and {y.Length} bytes; P-256 needs {CoordinateSize} each");
        }

        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return FromKey(ecdh);
        }
        catch (CryptographicException exception)
        {
            throw Invalid("the JWK point is not on the P-256 curve", exception);
        }
    }

    /// <summary>The canonical form of <paramref name="key"/>'s public part.</summary>
    /// <param name="key">A P-256 key (private or public).</param>
    /// <returns>The runtime key.</returns>
    public static RuntimeKey FromKey(ECDiffieHellman key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        if (!parameters.Curve.IsNamed || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw Invalid($"the key is on curve '{parameters.Curve.Oid.FriendlyName ?? parameters.Curve.Oid.Value}'; only P-256 is supported");
        }

        return new RuntimeKey(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The 64-byte SGX/TDX report data that binds this key: SHA-256(SPKI) followed by 32 zero bytes.</summary>
    /// <returns>The report data.</returns>
    public byte[] ToReportData()
    {
        byte[] reportData = new byte[64];
        Sha256.Span.CopyTo(reportData);
        return reportData;
    }

    /// <summary>Imports the key for ECDH.</summary>
    /// <returns>A public-only ECDH key; the caller disposes it.</returns>
    public ECDiffieHellman Import()
    {
        var ecdh = ECDiffieHellman.Create();
        ecdh.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo.Span, out _);
        return ecdh;
    }

    private static string RequiredString(JsonElement jwk, string name)
    {
        if (!jwk.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"the JWK has no string field '{name}'");
        }

        return value.GetString()!;
    }

    private static KmsException Invalid(string why, Exception? inner = null) =>
        new(KmsErrorCode.InvalidRequest, $"The runtime public key is invalid: {why}. Send a P-256 key as base64 SPKI or as an EC JWK.", inner);
}
