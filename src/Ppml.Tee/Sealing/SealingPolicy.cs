namespace Ppml.Tee.Sealing;

/// <summary>Which identity a sealing key is bound to (as SGX's KEYPOLICY).</summary>
public enum SealingPolicy
{
    /// <summary>Only the exact same enclave (MRENCLAVE) can unseal.</summary>
    MrEnclave,

    /// <summary>Any enclave from the same signer (MRSIGNER), e.g. a later version, can unseal.</summary>
    MrSigner,
}
