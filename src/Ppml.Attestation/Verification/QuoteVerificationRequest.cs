namespace Ppml.Attestation.Verification;

/// <summary>
/// A verification described by files, as an operator or a service receives it: the quote, the collateral (a bundle
/// and/or its separate parts), the trust anchor, the policy and the time. Paths are used as given (resolve relative
/// paths first). A separate collateral file overrides the matching part of <see cref="CollateralPath"/>.
/// Run it with <see cref="QuoteVerification.VerifyAsync"/>.
/// </summary>
public sealed record QuoteVerificationRequest
{
    /// <summary>The quote file: binary, hex or base64 (detected).</summary>
    public required string QuotePath { get; init; }

    /// <summary>Trusted root CA, PEM or DER; the built-in Intel SGX Root CA when <see langword="null"/>.</summary>
    public string? RootPath { get; init; }

    /// <summary>TCB Info, Intel PCS JSON <c>{"tcbInfo":..,"signature":..}</c>.</summary>
    public string? TcbInfoPath { get; init; }

    /// <summary>QE Identity, Intel PCS JSON <c>{"enclaveIdentity":..,"signature":..}</c>.</summary>
    public string? QeIdentityPath { get; init; }

    /// <summary>PEM issuer chain of the TCB Info and QE Identity.</summary>
    public string? TcbSigningChainPath { get; init; }

    /// <summary>Intel SGX Root CA CRL, PEM or DER.</summary>
    public string? RootCrlPath { get; init; }

    /// <summary>PCK Processor/Platform CA CRL, PEM or DER.</summary>
    public string? PckCrlPath { get; init; }

    /// <summary>PCK certificate chain (PEM), for quotes that do not embed it (certification data types 1 to 4).</summary>
    public string? PckChainPath { get; init; }

    /// <summary>Collateral bundle JSON shaped like <c>sgx_ql_qve_collateral_t</c>.</summary>
    public string? CollateralPath { get; init; }

    /// <summary>Appraisal policy JSON; the quote is only verified when <see langword="null"/>.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>
    /// The verification time as text: ISO-8601 (<c>2025-07-19T10:01:17Z</c>) or Unix seconds (<c>1752919277</c>).
    /// <value>Default: <see langword="null"/>, "now" from the time provider.</value>
    /// </summary>
    public string? At { get; init; }

    /// <summary>Expired collateral is fatal (<see cref="QuoteVerifierOptions.Strict"/>). <value>Default: <see langword="false"/>.</value></summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Require revocation data (<see cref="QuoteVerifierOptions.RequireRevocation"/>): without both CRLs the quote is
    /// rejected. <see langword="false"/> is the explicit switch (the CLI's <c>--no-revocation</c>) to verify without them;
    /// a policy can turn the requirement off as well (<c>"requireRevocationCheck": false</c>), and a policy that requires
    /// revocation (its default) still rejects a result whose revocation was not checked.
    /// <value>Default: <see langword="true"/>.</value>
    /// </summary>
    public bool RequireRevocation { get; init; } = true;
}
