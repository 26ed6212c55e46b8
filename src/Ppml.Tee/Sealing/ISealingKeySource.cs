namespace Ppml.Tee.Sealing;

/// <summary>Derives the TEE's sealing key for a policy. The key never leaves the process.</summary>
public interface ISealingKeySource
{
    /// <summary>Returns a 32-byte key bound to the identity <paramref name="policy"/> names; the caller zeroes it.</summary>
    /// <exception cref="TeeException">The TEE has no sealing key (TDX) or refuses.</exception>
    Task<byte[]> GetKeyAsync(SealingPolicy policy, CancellationToken cancellationToken = default);
}
