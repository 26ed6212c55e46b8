using System.Security.Cryptography;

namespace Ppml.Kms.Server.Crypto;

/// <summary>
/// Shamir secret sharing over GF(2^8) (the AES field, reduction polynomial x^8+x^4+x^3+x+1): each byte of the secret
/// is the constant term of a random polynomial of degree k-1; share i holds the polynomial values at x = i (1..255).
/// Any k shares recover the secret by Lagrange interpolation at 0; fewer reveal nothing about it.
/// </summary>
internal static class Shamir
{
    private static readonly byte[] s_exp = new byte[512];
    private static readonly byte[] s_log = new byte[256];

#pragma warning disable CA1810 // The tables are computed once; a static constructor states that plainly.
    static Shamir()
#pragma warning restore CA1810
    {
        // Generator 3 spans GF(256)*.
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            s_exp[i] = (byte)x;
            s_log[x] = (byte)i;
            x ^= MultiplyNoTable((byte)x, 2);
        }

        for (int i = 255; i < 512; i++)
        {
            s_exp[i] = s_exp[i - 255];
        }
    }

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

    internal static byte Multiply(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : s_exp[s_log[a] + s_log[b]];

    internal static byte Divide(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("Division by zero in GF(256).");
        }

        return a == 0 ? (byte)0 : s_exp[s_log[a] + 255 - s_log[b]];
    }

    internal static byte MultiplyNoTable(byte a, byte b)
    {
        int product = 0;
        int x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            if ((b & (1 << bit)) != 0)
            {
                product ^= x;
            }

            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= 0x11B;
            }
        }

        return (byte)product;
    }
}
