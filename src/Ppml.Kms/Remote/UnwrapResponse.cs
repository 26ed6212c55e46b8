using Ppml.Kms.Release;

namespace Ppml.Kms.Remote;

/// <summary>An unwrapped data key: plaintext for keys without a release policy, else released to the attested TEE.</summary>
public sealed record UnwrapResponse
{
    /// <summary>The primary key.</summary>
    public required string KeyName { get; init; }

    /// <summary>The primary key version.</summary>
    public required int KeyVersion { get; init; }

    /// <summary>The plaintext data key (keys without a release policy only).</summary>
    public byte[]? Plaintext { get; init; }

    /// <summary>The data key encrypted to the token's runtime key (keys with a release policy).</summary>
    public ReleasedDataKey? Released { get; init; }
}
