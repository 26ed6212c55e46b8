namespace Ppml.Attestation.Internal;

/// <summary>
/// Remembers, inside an immutable parsed object (certificate, CRL, signed collateral), which signer keys its
/// signature was checked against and with what outcome. The object's bytes never change, so the memo is keyed by
/// exact bytes: the object's own content plus the signer's public key.
/// </summary>
internal sealed class SignatureMemo
{
    // A handful of signers at most (the real one, an attacker's); beyond that the oldest entries are dropped.
    private const int Capacity = 4;

    private (byte[] Key, bool Valid)[] _entries = [];

    public bool Check(ReadOnlySpan<byte> signerKey, Func<bool> verify)
    {
        foreach ((byte[] key, bool valid) in Volatile.Read(ref _entries))
        {
            if (signerKey.SequenceEqual(key))
            {
                return valid;
            }
        }

        bool result = verify();
        (byte[] Key, bool Valid)[] current = Volatile.Read(ref _entries);
        (byte[] Key, bool Valid)[] next = [(signerKey.ToArray(), result), .. current.Take(Capacity - 1)];
        Interlocked.CompareExchange(ref _entries, next, current);
        return result;
    }
}
