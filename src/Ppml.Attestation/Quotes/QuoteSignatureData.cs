namespace Ppml.Attestation.Quotes;

/// <summary>The ECDSA quote signature data (Intel's "auth data") that follows the header and body.</summary>
public sealed record QuoteSignatureData
{
    /// <summary>ECDSA P-256 signature r||s over header and body, by the attestation key (64 bytes).</summary>
    public required ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The QE's attestation public key, X||Y (64 bytes).</summary>
    public required ReadOnlyMemory<byte> AttestationKey { get; init; }

    /// <summary>The quoting enclave's report; its REPORTDATA binds the attestation key.</summary>
    public required SgxEnclaveReport QeReport { get; init; }

    /// <summary>ECDSA P-256 signature r||s over the QE report, by the PCK key (64 bytes).</summary>
    public required ReadOnlyMemory<byte> QeReportSignature { get; init; }

    /// <summary>QE authentication data (hashed with the attestation key into the QE report data).</summary>
    public required ReadOnlyMemory<byte> QeAuthenticationData { get; init; }

    /// <summary>The certification data identifying the PCK certificate.</summary>
    public required CertificationData CertificationData { get; init; }
}
