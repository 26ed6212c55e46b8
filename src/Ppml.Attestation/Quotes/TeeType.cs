namespace Ppml.Attestation.Quotes;

/// <summary>TEE type of a quote header (Intel <c>tee_type</c>).</summary>
public enum TeeType : uint
{
    /// <summary>Intel SGX enclave.</summary>
    Sgx = 0x00000000,

    /// <summary>Intel TDX trust domain.</summary>
    Tdx = 0x00000081,
}
