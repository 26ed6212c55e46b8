namespace Ppml.Tee.Evidence;

/// <summary>
/// An evidence provider that can also supply the verification collateral for its quotes (TCB Info, QE Identity, CRLs
/// and their chains). Real platforms usually cannot (the verifier fetches collateral from Intel PCS or a PCCS); the
/// simulated platform can, because it issued the collateral itself.
/// </summary>
public interface IEvidenceCollateralSource
{
    /// <summary>
    /// Returns the collateral for <paramref name="quote"/> as one JSON bundle shaped like Intel's
    /// <c>sgx_ql_qve_collateral_t</c> (see docs/attestation.md), or <see langword="null"/> when there is none to give.
    /// </summary>
    /// <param name="quote">A quote this provider produced.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>UTF-8 JSON, or <see langword="null"/>.</returns>
    Task<byte[]?> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken = default);
}
