using System.Security.Cryptography;

namespace Ppml.Attestation.Internal;

/// <summary>ECDSA P-256 verification over raw keys, with every failure reported as <see langword="false"/>.</summary>
internal static class EcdsaP256
{
    /// <summary>Verifies <paramref name="signature"/> (DER or raw r||s) over <paramref name="data"/> with SHA-256.</summary>
    /// <param name="publicKey">Uncompressed point (0x04 || X || Y, 65 bytes) or raw X || Y (64 bytes).</param>
    /// <param name="data">The signed bytes.</param>
    /// <param name="signature">The signature.</param>
    /// <param name="format">DER (certificates, CRLs) or r||s (quotes, TCB Info).</param>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, DSASignatureFormat format)
    {
        ReadOnlySpan<byte> xy;
        if (publicKey.Length == 65 && publicKey[0] == 0x04)
        {
            xy = publicKey[1..];
        }
        else if (publicKey.Length == 64)
        {
            xy = publicKey;
        }
        else
        {
            return false;
        }

        if (format == DSASignatureFormat.IeeeP1363FixedFieldConcatenation && signature.Length != 64)
        {
            return false;
        }

        try
        {
            using ECDsa key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = xy[..32].ToArray(), Y = xy[32..].ToArray() },
            });
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, format);
        }
        catch (CryptographicException)
        {
            // Not a point on the curve, or a signature that is not DER: both simply fail verification.
            return false;
        }
    }

    /// <summary>Imports a raw P-256 public key (X || Y), or returns <see langword="null"/> when it is not a point on the curve.</summary>
    public static ECDsa? TryImport(ReadOnlySpan<byte> rawKey)
    {
        if (rawKey.Length != 64)
        {
            return null;
        }

        try
        {
            return ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = rawKey[..32].ToArray(), Y = rawKey[32..].ToArray() },
            });
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
