namespace Ppml.Core.IO;

/// <summary>What a file guarded by <see cref="SecretFiles"/> holds, which decides who else may read it.</summary>
public enum SecretFileKind
{
    /// <summary>Key material, a password, an API key, a share: nobody but the owner may read or write it.</summary>
    Secret,

    /// <summary>A trust anchor (a CA certificate, a policy): others may read it, nobody but the owner may write it.</summary>
    TrustAnchor,
}
