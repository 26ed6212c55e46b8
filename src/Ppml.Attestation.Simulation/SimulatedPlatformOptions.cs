namespace Ppml.Attestation.Simulation;

/// <summary>
/// Knobs of a <see cref="SimulatedPlatform"/>: where its TCB sits in the simulated TCB Info, and deliberate faults
/// for tests (revocation, expiry, wrong identities). The defaults give an up-to-date, healthy platform.
/// </summary>
public sealed record SimulatedPlatformOptions
{
    /// <summary>
    /// The TCB Info status of the platform's TCB level (the PCK certificate's SVNs are chosen to match that level);
    /// <see langword="null"/> puts the platform below every level (<c>STATUS_TCB_NOT_SUPPORTED</c>).
    /// <value>Default: UpToDate.</value>
    /// </summary>
    public TcbStatus? PlatformTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>
    /// The quoting enclave's status in the QE Identity: UpToDate, OutOfDate or Revoked; <see langword="null"/> puts
    /// the QE below every level. <value>Default: UpToDate.</value>
    /// </summary>
    public TcbStatus? QeTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>List the PCK certificate in the PCK CRL (<c>STATUS_SGX_PCK_REVOKED</c>).</summary>
    public bool RevokePckCertificate { get; init; }

    /// <summary>List the PCK Platform CA in the root CA CRL (<c>STATUS_SGX_INTERMEDIATE_CA_REVOKED</c>).</summary>
    public bool RevokePckCa { get; init; }

    /// <summary>List the TCB signing certificate in the root CA CRL (<c>STATUS_SGX_TCB_SIGNING_CERT_REVOKED</c>).</summary>
    public bool RevokeTcbSigningCertificate { get; init; }

    /// <summary>Issue TCB Info, QE Identity and CRLs that expired 30 days before creation.</summary>
    public bool ExpiredCollateral { get; init; }

    /// <summary>Sign a QE Identity whose MRSIGNER is not the simulated QE's (<c>STATUS_QE_IDENTITY_MISMATCH</c>).</summary>
    public bool WrongQeIdentity { get; init; }

    /// <summary>Issue TCB Info for another FMSPC than the PCK certificate's (<c>STATUS_TCB_INFO_MISMATCH</c>).</summary>
    public bool WrongFmspc { get; init; }

    /// <summary>How long TCB Info, QE Identity and CRLs stay current. <value>Default: 30 days.</value></summary>
    public TimeSpan CollateralValidity { get; init; } = TimeSpan.FromDays(30);
}
