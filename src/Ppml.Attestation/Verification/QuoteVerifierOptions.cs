namespace Ppml.Attestation.Verification;

/// <summary>Options of a <see cref="QuoteVerifier"/>.</summary>
public sealed class QuoteVerifierOptions
{
    /// <summary>
    /// The trusted root CA certificate (DER or PEM). <value>Default: the built-in production Intel SGX Root CA.</value>
    /// Pass a simulated platform's root only to verify simulated quotes; it is never trusted implicitly.
    /// </summary>
    public ReadOnlyMemory<byte>? TrustedRootCertificate { get; init; }

    /// <summary>
    /// Strict mode: expired collateral makes the quote invalid (as dcap-qvl and go-tdx-guest do) instead of only
    /// setting <see cref="QuoteVerificationResult.CollateralExpired"/> (as Intel's API does).
    /// <value>Default: <see langword="false"/>.</value>
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Require revocation data: without both the root CA CRL and the PCK CRL a quote is invalid with
    /// <see cref="QvlStatus.MissingParameters"/>, as Intel's API refuses to run without them. Set it to
    /// <see langword="false"/> only to verify deliberately without revocation (the CLI's <c>--no-revocation</c>); the
    /// result then has <see cref="QuoteVerificationResult.RevocationChecked"/> false and a note saying so. CRLs that are
    /// given are always checked. <value>Default: <see langword="true"/>.</value>
    /// </summary>
    public bool RequireRevocation { get; init; } = true;
}
