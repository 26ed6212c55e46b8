namespace Ppml.Kms.Remote;

/// <summary>A generated data key.</summary>
public sealed record DataKeyResponse
{
    /// <summary>The primary key that wrapped it.</summary>
    public required string KeyName { get; init; }

    /// <summary>The primary key version.</summary>
    public required int KeyVersion { get; init; }

    /// <summary>The wrapped data key (store it beside the data).</summary>
    public required byte[] WrappedKey { get; init; }

    /// <summary>The plaintext data key, unless it was not asked for.</summary>
    public byte[]? Plaintext { get; init; }
}
