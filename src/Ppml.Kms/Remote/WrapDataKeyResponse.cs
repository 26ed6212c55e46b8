namespace Ppml.Kms.Remote;

/// <summary>Response of <c>POST /v1/keys/{name}/wrap</c>: the wrapped data key (never a plaintext).</summary>
public sealed record WrapDataKeyResponse
{
    /// <summary>The primary key that wrapped it.</summary>
    public required string KeyName { get; init; }

    /// <summary>The primary key version (the current one).</summary>
    public required int KeyVersion { get; init; }

    /// <summary>The wrapped data key (store it beside the data).</summary>
    public required byte[] WrappedKey { get; init; }
}
