namespace Ppml.Attestation.Simulation;

/// <summary>File names of a saved <see cref="SimulatedPlatform"/> directory.</summary>
public static class SimulatedPlatformFiles
{
    /// <summary>Root CA certificate (PEM): the trust anchor for <c>--root</c>.</summary>
    public const string RootCertificate = "root-ca.pem";

    /// <summary>Root CA private key (PKCS#8 PEM, mode 0600).</summary>
    public const string RootKey = "root-ca.key.pem";

    /// <summary>PCK Platform CA certificate (PEM).</summary>
    public const string PckCaCertificate = "pck-ca.pem";

    /// <summary>PCK Platform CA private key (PKCS#8 PEM, mode 0600).</summary>
    public const string PckCaKey = "pck-ca.key.pem";

    /// <summary>PCK certificate (PEM).</summary>
    public const string PckCertificate = "pck.pem";

    /// <summary>PCK private key (PKCS#8 PEM, mode 0600): signs QE reports.</summary>
    public const string PckKey = "pck.key.pem";

    /// <summary>PCK chain (PEM: PCK, PCK CA, root).</summary>
    public const string PckChain = "pck-chain.pem";

    /// <summary>TCB signing certificate (PEM).</summary>
    public const string TcbSigningCertificate = "tcb-signing.pem";

    /// <summary>TCB signing private key (PKCS#8 PEM, mode 0600).</summary>
    public const string TcbSigningKey = "tcb-signing.key.pem";

    /// <summary>TCB signing chain (PEM: signing certificate, root) for <c>--tcb-signing-chain</c>.</summary>
    public const string TcbSigningChain = "tcb-signing-chain.pem";

    /// <summary>Root CA CRL (DER) for <c>--root-crl</c>.</summary>
    public const string RootCaCrl = "root-ca.crl";

    /// <summary>PCK Platform CA CRL (DER) for <c>--pck-crl</c>.</summary>
    public const string PckCrl = "pck-ca.crl";

    /// <summary>Signed SGX TCB Info (Intel PCS JSON).</summary>
    public const string SgxTcbInfo = "tcbinfo-sgx.json";

    /// <summary>Signed TDX TCB Info (Intel PCS JSON).</summary>
    public const string TdxTcbInfo = "tcbinfo-tdx.json";

    /// <summary>Signed QE Identity (Intel PCS JSON).</summary>
    public const string QeIdentity = "qe-identity.json";

    /// <summary>Signed TD QE Identity (Intel PCS JSON).</summary>
    public const string TdQeIdentity = "td-qe-identity.json";

    /// <summary>Collateral bundle for SGX quotes, for <c>--collateral</c>.</summary>
    public const string SgxCollateral = "collateral-sgx.json";

    /// <summary>Collateral bundle for TDX quotes, for <c>--collateral</c>.</summary>
    public const string TdxCollateral = "collateral-tdx.json";

    /// <summary>The simulated QE's attestation private key (PKCS#8 PEM, mode 0600).</summary>
    public const string AttestationKey = "attestation-key.pem";

    /// <summary>Platform parameters (FMSPC, SVNs) the simulated quoting enclave writes into quotes.</summary>
    public const string Platform = "platform.json";
}
