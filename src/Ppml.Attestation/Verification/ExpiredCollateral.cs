namespace Ppml.Attestation.Verification;

/// <summary>A piece of collateral that had expired (or, for a CRL, was not yet valid) at the verification time.</summary>
/// <param name="Status">Intel's status for this kind of expiry (for example <see cref="QvlStatus.SgxCrlExpired"/>).</param>
/// <param name="Description">What expired and when.</param>
/// <param name="ExpiredAt">Its notAfter / nextUpdate; for a CRL not yet valid at the verification time, its thisUpdate.</param>
public sealed record ExpiredCollateral(QvlStatus Status, string Description, DateTimeOffset ExpiredAt);
