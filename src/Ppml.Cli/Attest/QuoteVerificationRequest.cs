namespace Ppml.Cli.Attest;

/// <summary>
/// Inputs of <c>ppml attest verify</c>. Paths may be absolute or relative to the working directory. Individual
/// collateral files override the matching parts of <see cref="CollateralPath"/>.
/// </summary>
internal sealed record QuoteVerificationRequest
{
    /// <summary>The quote: binary, hex or base64 (<c>QUOTE</c>).</summary>
    public required string QuotePath { get; init; }

    /// <summary>Trusted root CA, PEM or DER (<c>--root</c>); the built-in Intel SGX Root CA when <see langword="null"/>.</summary>
    public string? RootPath { get; init; }

    /// <summary>TCB Info, Intel PCS JSON (<c>--tcb-info</c>).</summary>
    public string? TcbInfoPath { get; init; }

    /// <summary>QE Identity, Intel PCS JSON (<c>--qe-identity</c>).</summary>
    public string? QeIdentityPath { get; init; }

    /// <summary>PEM issuer chain of TCB Info and QE Identity (<c>--tcb-signing-chain</c>).</summary>
    public string? TcbSigningChainPath { get; init; }

    /// <summary>Root CA CRL, PEM or DER (<c>--root-crl</c>).</summary>
    public string? RootCrlPath { get; init; }

    /// <summary>PCK CA CRL, PEM or DER (<c>--pck-crl</c>).</summary>
    public string? PckCrlPath { get; init; }

    /// <summary>PCK certificate chain, PEM, for quotes that do not embed it (certification data types 1 to 4).</summary>
    public string? PckChainPath { get; init; }

    /// <summary>Collateral bundle shaped like <c>sgx_ql_qve_collateral_t</c> (<c>--collateral</c>).</summary>
    public string? CollateralPath { get; init; }

    /// <summary>Appraisal policy JSON (<c>--policy</c>).</summary>
    public string? PolicyPath { get; init; }

    /// <summary>Verification time, ISO-8601 or Unix seconds (<c>--at</c>); now when <see langword="null"/>.</summary>
    public string? At { get; init; }

    /// <summary>Expired collateral is fatal (<c>--strict</c>).</summary>
    public bool Strict { get; init; }
}
