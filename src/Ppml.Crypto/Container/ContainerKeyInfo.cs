namespace Ppml.Crypto.Container;

/// <summary>
/// What a container header records about its data key: where the key-encryption key lives, which version
/// wrapped the data key, and the wrapped (KMS-encrypted) data key itself. All of it is authenticated.
/// </summary>
/// <param name="KeyReference">
/// The KMS key reference, for example <c>file:/etc/ppml/keys#orders</c> or a bare key name. Stored as UTF-8,
/// 1 to <see cref="PpmlContainer.MaxKeyReferenceLength"/> bytes.
/// </param>
/// <param name="KeyVersion">The version of the KMS key that wrapped the data key; zero or positive.</param>
/// <param name="WrappedDataKey">
/// The data key as wrapped by the KMS (opaque), 1 to <see cref="PpmlContainer.MaxWrappedDataKeyLength"/> bytes.
/// </param>
public sealed record ContainerKeyInfo(string KeyReference, int KeyVersion, ReadOnlyMemory<byte> WrappedDataKey);
