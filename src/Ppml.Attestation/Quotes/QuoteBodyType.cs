namespace Ppml.Attestation.Quotes;

/// <summary>Kind of report a quote carries (the quote v5 body descriptor type; implied by version and TEE for v3/v4).</summary>
public enum QuoteBodyType : ushort
{
    /// <summary>SGX enclave report (384 bytes).</summary>
    SgxEnclaveReport = 1,

    /// <summary>TD report for TDX 1.0 (584 bytes).</summary>
    TdReport10 = 2,

    /// <summary>TD report for TDX 1.5 (648 bytes: adds TEE_TCB_SVN2 and MRSERVICETD).</summary>
    TdReport15 = 3,
}
