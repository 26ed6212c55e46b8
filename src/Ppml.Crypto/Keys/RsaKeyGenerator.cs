using System.Numerics;
using System.Security.Cryptography;

namespace Ppml.Crypto.Keys;

/// <summary>
/// RSA key generation with a caller-chosen public exponent. .NET's own generator always uses 65537, but an SGX
/// enclave signing key must use exponent 3 (what <c>openssl genrsa -3</c> makes), so this generates the primes
/// itself: random odd candidates from <see cref="RandomNumberGenerator"/>, trial division by small primes, then
/// Miller–Rabin with enough rounds for the FIPS 186-5 error bound at these sizes.
/// </summary>
public static class RsaKeyGenerator
{
    // FIPS 186-5 table B.1: 5 rounds of Miller–Rabin suffice for 1536-bit primes at 2^-100; we use more.
    private const int MillerRabinRounds = 16;

    private static readonly int[] s_smallPrimes = SmallPrimes(2000);

    /// <summary>
    /// Generates an SGX enclave signing key (RSA-3072, public exponent 3, as <c>openssl genrsa -3 3072</c>) and writes it
    /// as PKCS#1 PEM to <paramref name="path"/> (mode 0600, atomically).
    /// </summary>
    /// <param name="path">The PEM file.</param>
    /// <param name="overwrite">Whether an existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is not set.</exception>
    public static async Task WriteEnclaveKeyAsync(string path, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using RSA rsa = Generate(3072, 3);
        await Core.IO.SecretFiles.WriteAllBytesAsync(
            path, System.Text.Encoding.ASCII.GetBytes(rsa.ExportRSAPrivateKeyPem() + "\n"), overwrite, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Generates an RSA key with modulus size <paramref name="bits"/> and public exponent <paramref name="exponent"/>.</summary>
    /// <param name="bits">Modulus size in bits: a multiple of 256 from 2048 to 8192.</param>
    /// <param name="exponent">An odd public exponent of at least 3 (3 for SGX enclave keys).</param>
    /// <returns>A new RSA key; the caller disposes it.</returns>
    public static RSA Generate(int bits, int exponent)
    {
        if (bits < 2048 || bits > 8192 || bits % 256 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "The modulus size must be a multiple of 256 from 2048 to 8192 bits.");
        }

        if (exponent < 3 || exponent % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The public exponent must be odd and at least 3.");
        }

        var e = new BigInteger(exponent);
        int primeBits = bits / 2;
        while (true)
        {
            // The two primes are independent searches: run them on two cores when there are two.
            BigInteger p = default;
            BigInteger q = default;
            Parallel.Invoke(() => p = GeneratePrime(primeBits, e), () => q = GeneratePrime(primeBits, e));
            if (p == q)
            {
                continue;
            }

            if (p < q)
            {
                (p, q) = (q, p);
            }

            // FIPS 186-5 A.1.3: |p - q| > 2^(nlen/2 - 100).
            if (BigInteger.Abs(p - q) <= BigInteger.One << (primeBits - 100))
            {
                continue;
            }

            BigInteger n = p * q;
            if (n.GetBitLength() != bits)
            {
                continue;
            }

            BigInteger pMinus1 = p - 1;
            BigInteger qMinus1 = q - 1;
            BigInteger lambda = pMinus1 / BigInteger.GreatestCommonDivisor(pMinus1, qMinus1) * qMinus1;
            BigInteger d = ModInverse(e, lambda);

            // FIPS 186-5 A.1.1: d > 2^(nlen/2).
            if (d <= BigInteger.One << primeBits)
            {
                continue;
            }

            int byteLength = bits / 8;
            int halfLength = byteLength / 2;
            var parameters = new RSAParameters
            {
                Modulus = ToBigEndian(n, byteLength),
                Exponent = e.ToByteArray(isUnsigned: true, isBigEndian: true),
                D = ToBigEndian(d, byteLength),
                P = ToBigEndian(p, halfLength),
                Q = ToBigEndian(q, halfLength),
                DP = ToBigEndian(d % pMinus1, halfLength),
                DQ = ToBigEndian(d % qMinus1, halfLength),
                InverseQ = ToBigEndian(ModInverse(q, p), halfLength),
            };

            try
            {
                var rsa = RSA.Create();
                rsa.ImportParameters(parameters);
                return rsa;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(parameters.D);
                CryptographicOperations.ZeroMemory(parameters.P);
                CryptographicOperations.ZeroMemory(parameters.Q);
                CryptographicOperations.ZeroMemory(parameters.DP);
                CryptographicOperations.ZeroMemory(parameters.DQ);
                CryptographicOperations.ZeroMemory(parameters.InverseQ);
            }
        }
    }

    private static BigInteger GeneratePrime(int bits, BigInteger e)
    {
        byte[] buffer = new byte[bits / 8];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(buffer);
                buffer[0] |= 0xC0; // top two bits set: the product has exactly 2*bits bits
                buffer[^1] |= 0x01; // odd
                var candidate = new BigInteger(buffer, isUnsigned: true, isBigEndian: true);

                // Walk odd numbers from the random start; sieve before the expensive test.
                for (int step = 0; step < 4096; step++, candidate += 2)
                {
                    if (candidate.GetBitLength() != bits)
                    {
                        break;
                    }

                    if (!PassesTrialDivision(candidate) || BigInteger.GreatestCommonDivisor(candidate - 1, e) != BigInteger.One)
                    {
                        continue;
                    }

                    if (IsProbablePrime(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static bool PassesTrialDivision(BigInteger candidate)
    {
        foreach (int prime in s_smallPrimes)
        {
            if (candidate % prime == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsProbablePrime(BigInteger n)
    {
        BigInteger nMinus1 = n - 1;
        BigInteger d = nMinus1;
        int s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        int byteLength = (int)((n.GetBitLength() + 7) / 8);
        byte[] buffer = new byte[byteLength];
        for (int round = 0; round < MillerRabinRounds; round++)
        {
            BigInteger a;
            do
            {
                RandomNumberGenerator.Fill(buffer);
                a = new BigInteger(buffer, isUnsigned: true, isBigEndian: true) % nMinus1;
            }
            while (a < 2);

            BigInteger x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == nMinus1)
            {
                continue;
            }

            bool witness = true;
            for (int i = 1; i < s; i++)
            {
                x = BigInteger.ModPow(x, 2, n);
                if (x == nMinus1)
                {
                    witness = false;
                    break;
                }
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger t = 0, newT = 1, r = modulus, newR = value % modulus;
        while (!newR.IsZero)
        {
            BigInteger quotient = r / newR;
            (t, newT) = (newT, t - (quotient * newT));
            (r, newR) = (newR, r - (quotient * newR));
        }

        if (r != BigInteger.One)
        {
            throw new CryptographicException("The value has no inverse modulo the given modulus.");
        }

        return t.Sign < 0 ? t + modulus : t;
    }

    private static byte[] ToBigEndian(BigInteger value, int length)
    {
        byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (raw.Length == length)
        {
            return raw;
        }

        byte[] padded = new byte[length];
        raw.CopyTo(padded.AsSpan(length - raw.Length));
        CryptographicOperations.ZeroMemory(raw);
        return padded;
    }

    private static int[] SmallPrimes(int limit)
    {
        var sieve = new bool[limit + 1];
        var primes = new List<int>();
        for (int i = 3; i <= limit; i += 2)
        {
            if (sieve[i])
            {
                continue;
            }

            primes.Add(i);
            for (int j = i * i; j <= limit; j += 2 * i)
            {
                sieve[j] = true;
            }
        }

        return [.. primes];
    }
}
