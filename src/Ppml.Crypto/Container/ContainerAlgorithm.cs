namespace Ppml.Crypto.Container;

/// <summary>The cryptographic suite of a container, as recorded in its header (a 16-bit field).</summary>
public enum ContainerAlgorithm
{
    /// <summary>Unknown; never written.</summary>
    None = 0,

    /// <summary>
    /// AES-256-GCM segments under a per-file key derived with HKDF-SHA256 from the data key and a random salt;
    /// the header is authenticated with HMAC-SHA256. See docs/formats/ppml-container-v1.md.
    /// </summary>
    Aes256GcmHkdfSha256 = 1,
}
