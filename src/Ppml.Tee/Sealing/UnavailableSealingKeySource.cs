namespace Ppml.Tee.Sealing;

/// <summary>The sealing "source" of a TEE that has none (TDX): every request fails with the reason and what to do instead.</summary>
internal sealed class UnavailableSealingKeySource : ISealingKeySource
{
    private readonly string _reason;

    public UnavailableSealingKeySource(string reason)
    {
        _reason = reason;
    }

    public Task<byte[]> GetKeyAsync(SealingPolicy policy, CancellationToken cancellationToken = default) =>
        throw new TeeException(_reason);
}
