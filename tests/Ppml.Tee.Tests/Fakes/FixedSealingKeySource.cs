using Ppml.Tee.Sealing;

namespace Ppml.Tee.Tests.Fakes;

/// <summary>Returns a fixed key for the one policy it knows (to open blobs sealed under a known test key).</summary>
internal sealed class FixedSealingKeySource(SealingPolicy policy, byte[] key) : ISealingKeySource
{
    public Task<byte[]> GetKeyAsync(SealingPolicy requested, CancellationToken cancellationToken = default) =>
        requested == policy
            ? Task.FromResult(key.ToArray())
            : Task.FromException<byte[]>(new TeeException($"The test key source has no key for the {requested} policy."));
}
