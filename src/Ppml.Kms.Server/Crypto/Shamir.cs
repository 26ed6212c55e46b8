using System.Security.Cryptography;

namespace Ppml.Kms.Server.Crypto;

/// <summary>
/// Shamir secret sharing over GF(2^8) (the AES field, reduction polynomial x^8+x^4+x^3+x+1): each byte of the secret
/// is the constant term of a random polynomial of degree k-1; share i holds the polynomial values at x = i (1..255).
/// Any k shares recover the secret by Lagrange interpolation at 0; fewer reveal nothing about it.
/// </summary>
/// <remarks>
/// The arithmetic is branch-free and table-free (as HashiCorp Vault's <c>shamir.go</c>): a table lookup indexed by a
/// secret byte, or a branch on one of its bits, leaks that byte through the cache and the branch predictor. Only public
/// values (share indices, lengths) decide branches.
/// </remarks>
internal static class Shamir
{
    /// <summary>Splits <paramref name="secret"/> into <paramref name="shares"/> shares, any <paramref name="threshold"/> of which recover it.</summary>
    /// <returns>(x, y) pairs; x is 1..shares, y has the secret's length.</returns>
    public static IReadOnlyList<(byte X, byte[] Y)> Split(ReadOnlySpan<byte> secret, int threshold, int shares)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, shares);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shares, 255);
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret is empty.", nameof(secret));
        }

        var result = new List<(byte, byte[])>(shares);
        for (int i = 1; i <= shares; i++)
        {
            result.Add(((byte)i, new byte[secret.Length]));
        }

        byte[] coefficients = new byte[threshold];
        try
        {
            for (int b = 0; b < secret.Length; b++)
            {
                coefficients[0] = secret[b];
                RandomNumberGenerator.Fill(coefficients.AsSpan(1));
                foreach ((byte x, byte[] y) in result)
                {
                    // Horner's rule, highest coefficient first.
                    byte value = 0;
                    for (int c = threshold - 1; c >= 0; c--)
                    {
                        value = (byte)(Multiply(value, x) ^ coefficients[c]);
                    }

                    y[b] = value;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coefficients);
        }

        return result;
    }

    /// <summary>Recovers the secret from shares (at least the threshold; distinct, non-zero x).</summary>
    /// <exception cref="ArgumentException">Shares are fewer than two, of different lengths, or repeat an x.</exception>
    public static byte[] Combine(IReadOnlyList<(byte X, byte[] Y)> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count < 2)
        {
            throw new ArgumentException($"At least 2 shares are needed; got {shares.Count}.", nameof(shares));
        }

        int length = shares[0].Y.Length;
        for (int i = 0; i < shares.Count; i++)
        {
            if (shares[i].X == 0)
            {
                throw new ArgumentException($"Share {i + 1} has index 0, which is never issued.", nameof(shares));
            }

            if (shares[i].Y.Length != length)
            {
                throw new ArgumentException($"Share {i + 1} is {shares[i].Y.Length} bytes; share 1 is {length}.", nameof(shares));
            }

            for (int j = 0; j < i; j++)
            {
                if (shares[j].X == shares[i].X)
                {
                    throw new ArgumentException($"Shares {j + 1} and {i + 1} are the same share (index {shares[i].X}).", nameof(shares));
                }
            }
        }

        byte[] secret = new byte[length];
        for (int i = 0; i < shares.Count; i++)
        {
            // Lagrange basis at 0: prod_{j != i} x_j / (x_j - x_i); subtraction is XOR in GF(2^8).
            byte basis = 1;
            for (int j = 0; j < shares.Count; j++)
            {
                if (j != i)
                {
                    basis = Multiply(basis, Divide(shares[j].X, (byte)(shares[j].X ^ shares[i].X)));
                }
            }

            for (int b = 0; b < length; b++)
            {
                secret[b] ^= Multiply(shares[i].Y[b], basis);
            }
        }

        return secret;
    }

    /// <summary>a · b in GF(2^8), in constant time: eight rounds of shift, conditional add and reduce, each condition a mask.</summary>
    internal static byte Multiply(byte a, byte b)
    {
        int product = 0;
        for (int bit = 7; bit >= 0; bit--)
        {
            int addMask = -((b >> bit) & 1);          // all ones when this bit of b is set
            int reduceMask = -((product >> 7) & 1);   // all ones when doubling overflows x^8
            product = ((product << 1) & 0xFF) ^ (reduceMask & 0x1B) ^ (addMask & a);
        }

        return (byte)product;
    }

    /// <summary>a^-1 in GF(2^8) as a^254 (a fixed chain of multiplications, so constant time); 0 maps to 0.</summary>
    internal static byte Inverse(byte a)
    {
        byte a2 = Multiply(a, a);
        byte a3 = Multiply(a2, a);
        byte a6 = Multiply(a3, a3);
        byte a12 = Multiply(a6, a6);
        byte a15 = Multiply(a12, a3);
        byte a30 = Multiply(a15, a15);
        byte a60 = Multiply(a30, a30);
        byte a63 = Multiply(a60, a3);
        byte a126 = Multiply(a63, a63);
        byte a127 = Multiply(a126, a);
        return Multiply(a127, a127); // a^254
    }

    /// <summary>a / b in GF(2^8); b is a public value (a difference of share indices) and must not be zero.</summary>
    internal static byte Divide(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("Division by zero in GF(256).");
        }

        return Multiply(a, Inverse(b));
    }
}
