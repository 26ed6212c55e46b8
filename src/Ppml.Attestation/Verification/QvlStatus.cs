namespace Ppml.Attestation.Verification;

/// <summary>
/// Status codes of Intel's Quote Verification Library (<c>Status</c> in <c>QuoteVerification.h</c>), with the same
/// numeric values. <see cref="QvlStatusExtensions.ToQvlName"/> gives Intel's spelling (<c>STATUS_...</c>), which is
/// what results and the CLI print.
/// </summary>
public enum QvlStatus
{
    /// <summary><c>STATUS_OK</c> (0).</summary>
    Ok = 0,

    /// <summary><c>STATUS_UNSUPPORTED_CERT_FORMAT</c> (1).</summary>
    UnsupportedCertFormat = 1,

    /// <summary><c>STATUS_SGX_ROOT_CA_MISSING</c> (2).</summary>
    SgxRootCaMissing = 2,

    /// <summary><c>STATUS_SGX_ROOT_CA_INVALID</c> (3).</summary>
    SgxRootCaInvalid = 3,

    /// <summary><c>STATUS_SGX_ROOT_CA_INVALID_EXTENSIONS</c> (4).</summary>
    SgxRootCaInvalidExtensions = 4,

    /// <summary><c>STATUS_SGX_ROOT_CA_INVALID_ISSUER</c> (5).</summary>
    SgxRootCaInvalidIssuer = 5,

    /// <summary><c>STATUS_SGX_ROOT_CA_UNTRUSTED</c> (6).</summary>
    SgxRootCaUntrusted = 6,

    /// <summary><c>STATUS_SGX_INTERMEDIATE_CA_MISSING</c> (7).</summary>
    SgxIntermediateCaMissing = 7,

    /// <summary><c>STATUS_SGX_INTERMEDIATE_CA_INVALID</c> (8).</summary>
    SgxIntermediateCaInvalid = 8,

    /// <summary><c>STATUS_SGX_INTERMEDIATE_CA_INVALID_EXTENSIONS</c> (9).</summary>
    SgxIntermediateCaInvalidExtensions = 9,

    /// <summary><c>STATUS_SGX_INTERMEDIATE_CA_INVALID_ISSUER</c> (10).</summary>
    SgxIntermediateCaInvalidIssuer = 10,

    /// <summary><c>STATUS_SGX_INTERMEDIATE_CA_REVOKED</c> (11).</summary>
    SgxIntermediateCaRevoked = 11,

    /// <summary><c>STATUS_SGX_PCK_MISSING</c> (12).</summary>
    SgxPckMissing = 12,

    /// <summary><c>STATUS_SGX_PCK_INVALID</c> (13).</summary>
    SgxPckInvalid = 13,

    /// <summary><c>STATUS_SGX_PCK_INVALID_EXTENSIONS</c> (14).</summary>
    SgxPckInvalidExtensions = 14,

    /// <summary><c>STATUS_SGX_PCK_INVALID_ISSUER</c> (15).</summary>
    SgxPckInvalidIssuer = 15,

    /// <summary><c>STATUS_SGX_PCK_REVOKED</c> (16).</summary>
    SgxPckRevoked = 16,

    /// <summary><c>STATUS_TRUSTED_ROOT_CA_INVALID</c> (17).</summary>
    TrustedRootCaInvalid = 17,

    /// <summary><c>STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED</c> (18).</summary>
    SgxPckCertChainUntrusted = 18,

    /// <summary><c>STATUS_SGX_TCB_INFO_UNSUPPORTED_FORMAT</c> (19).</summary>
    SgxTcbInfoUnsupportedFormat = 19,

    /// <summary><c>STATUS_SGX_TCB_INFO_INVALID</c> (20).</summary>
    SgxTcbInfoInvalid = 20,

    /// <summary><c>STATUS_TCB_INFO_INVALID_SIGNATURE</c> (21).</summary>
    TcbInfoInvalidSignature = 21,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_MISSING</c> (22).</summary>
    SgxTcbSigningCertMissing = 22,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_INVALID</c> (23).</summary>
    SgxTcbSigningCertInvalid = 23,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_INVALID_EXTENSIONS</c> (24).</summary>
    SgxTcbSigningCertInvalidExtensions = 24,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_INVALID_ISSUER</c> (25).</summary>
    SgxTcbSigningCertInvalidIssuer = 25,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_CHAIN_UNTRUSTED</c> (26).</summary>
    SgxTcbSigningCertChainUntrusted = 26,

    /// <summary><c>STATUS_SGX_TCB_SIGNING_CERT_REVOKED</c> (27).</summary>
    SgxTcbSigningCertRevoked = 27,

    /// <summary><c>STATUS_SGX_CRL_UNSUPPORTED_FORMAT</c> (28).</summary>
    SgxCrlUnsupportedFormat = 28,

    /// <summary><c>STATUS_SGX_CRL_UNKNOWN_ISSUER</c> (29).</summary>
    SgxCrlUnknownIssuer = 29,

    /// <summary><c>STATUS_SGX_CRL_INVALID</c> (30).</summary>
    SgxCrlInvalid = 30,

    /// <summary><c>STATUS_SGX_CRL_INVALID_EXTENSIONS</c> (31).</summary>
    SgxCrlInvalidExtensions = 31,

    /// <summary><c>STATUS_SGX_CRL_INVALID_SIGNATURE</c> (32).</summary>
    SgxCrlInvalidSignature = 32,

    /// <summary><c>STATUS_SGX_CA_CERT_UNSUPPORTED_FORMAT</c> (33).</summary>
    SgxCaCertUnsupportedFormat = 33,

    /// <summary><c>STATUS_SGX_CA_CERT_INVALID</c> (34).</summary>
    SgxCaCertInvalid = 34,

    /// <summary><c>STATUS_TRUSTED_ROOT_CA_UNSUPPORTED_FORMAT</c> (35).</summary>
    TrustedRootCaUnsupportedFormat = 35,

    /// <summary><c>STATUS_MISSING_PARAMETERS</c> (36).</summary>
    MissingParameters = 36,

    /// <summary><c>STATUS_UNSUPPORTED_QUOTE_FORMAT</c> (37).</summary>
    UnsupportedQuoteFormat = 37,

    /// <summary><c>STATUS_UNSUPPORTED_PCK_CERT_FORMAT</c> (38).</summary>
    UnsupportedPckCertFormat = 38,

    /// <summary><c>STATUS_INVALID_PCK_CERT</c> (39).</summary>
    InvalidPckCert = 39,

    /// <summary><c>STATUS_UNSUPPORTED_PCK_RL_FORMAT</c> (40).</summary>
    UnsupportedPckRlFormat = 40,

    /// <summary><c>STATUS_INVALID_PCK_CRL</c> (41).</summary>
    InvalidPckCrl = 41,

    /// <summary><c>STATUS_UNSUPPORTED_TCB_INFO_FORMAT</c> (42).</summary>
    UnsupportedTcbInfoFormat = 42,

    /// <summary><c>STATUS_PCK_REVOKED</c> (43).</summary>
    PckRevoked = 43,

    /// <summary><c>STATUS_TCB_INFO_MISMATCH</c> (44).</summary>
    TcbInfoMismatch = 44,

    /// <summary><c>STATUS_TCB_OUT_OF_DATE</c> (45).</summary>
    TcbOutOfDate = 45,

    /// <summary><c>STATUS_TCB_REVOKED</c> (46).</summary>
    TcbRevoked = 46,

    /// <summary><c>STATUS_TCB_CONFIGURATION_NEEDED</c> (47).</summary>
    TcbConfigurationNeeded = 47,

    /// <summary><c>STATUS_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED</c> (48).</summary>
    TcbOutOfDateConfigurationNeeded = 48,

    /// <summary><c>STATUS_TCB_NOT_SUPPORTED</c> (49).</summary>
    TcbNotSupported = 49,

    /// <summary><c>STATUS_TCB_UNRECOGNIZED_STATUS</c> (50).</summary>
    TcbUnrecognizedStatus = 50,

    /// <summary><c>STATUS_UNSUPPORTED_QE_CERTIFICATION</c> (51).</summary>
    UnsupportedQeCertification = 51,

    /// <summary><c>STATUS_INVALID_QE_CERTIFICATION_DATA_SIZE</c> (52).</summary>
    InvalidQeCertificationDataSize = 52,

    /// <summary><c>STATUS_UNSUPPORTED_QE_CERTIFICATION_DATA_TYPE</c> (53).</summary>
    UnsupportedQeCertificationDataType = 53,

    /// <summary><c>STATUS_PCK_CERT_MISMATCH</c> (54).</summary>
    PckCertMismatch = 54,

    /// <summary><c>STATUS_INVALID_QE_REPORT_SIGNATURE</c> (55).</summary>
    InvalidQeReportSignature = 55,

    /// <summary><c>STATUS_INVALID_QE_REPORT_DATA</c> (56).</summary>
    InvalidQeReportData = 56,

    /// <summary><c>STATUS_INVALID_QUOTE_SIGNATURE</c> (57).</summary>
    InvalidQuoteSignature = 57,

    /// <summary><c>STATUS_SGX_QE_IDENTITY_UNSUPPORTED_FORMAT</c> (58).</summary>
    SgxQeIdentityUnsupportedFormat = 58,

    /// <summary><c>STATUS_SGX_QE_IDENTITY_INVALID</c> (59).</summary>
    SgxQeIdentityInvalid = 59,

    /// <summary><c>STATUS_SGX_QE_IDENTITY_INVALID_SIGNATURE</c> (60).</summary>
    SgxQeIdentityInvalidSignature = 60,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_UNSUPPORTED_FORMAT</c> (61).</summary>
    SgxEnclaveReportUnsupportedFormat = 61,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_UNSUPPORTED_FORMAT</c> (62).</summary>
    SgxEnclaveIdentityUnsupportedFormat = 62,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_INVALID</c> (63).</summary>
    SgxEnclaveIdentityInvalid = 63,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_UNSUPPORTED_VERSION</c> (64).</summary>
    SgxEnclaveIdentityUnsupportedVersion = 64,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_OUT_OF_DATE</c> (65).</summary>
    SgxEnclaveIdentityOutOfDate = 65,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_MISCSELECT_MISMATCH</c> (66).</summary>
    SgxEnclaveReportMiscselectMismatch = 66,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_ATTRIBUTES_MISMATCH</c> (67).</summary>
    SgxEnclaveReportAttributesMismatch = 67,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_MRENCLAVE_MISMATCH</c> (68).</summary>
    SgxEnclaveReportMrenclaveMismatch = 68,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_MRSIGNER_MISMATCH</c> (69).</summary>
    SgxEnclaveReportMrsignerMismatch = 69,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_ISVPRODID_MISMATCH</c> (70).</summary>
    SgxEnclaveReportIsvprodidMismatch = 70,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_ISVSVN_OUT_OF_DATE</c> (71).</summary>
    SgxEnclaveReportIsvsvnOutOfDate = 71,

    /// <summary><c>STATUS_UNSUPPORTED_QE_IDENTITY_FORMAT</c> (72).</summary>
    UnsupportedQeIdentityFormat = 72,

    /// <summary><c>STATUS_QE_IDENTITY_OUT_OF_DATE</c> (73).</summary>
    QeIdentityOutOfDate = 73,

    /// <summary><c>STATUS_QE_IDENTITY_MISMATCH</c> (74).</summary>
    QeIdentityMismatch = 74,

    /// <summary><c>STATUS_SGX_TCB_INFO_EXPIRED</c> (75).</summary>
    SgxTcbInfoExpired = 75,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_INVALID_SIGNATURE</c> (76).</summary>
    SgxEnclaveIdentityInvalidSignature = 76,

    /// <summary><c>STATUS_INVALID_PARAMETER</c> (77).</summary>
    InvalidParameter = 77,

    /// <summary><c>STATUS_SGX_PCK_CERT_CHAIN_EXPIRED</c> (78).</summary>
    SgxPckCertChainExpired = 78,

    /// <summary><c>STATUS_SGX_CRL_EXPIRED</c> (79).</summary>
    SgxCrlExpired = 79,

    /// <summary><c>STATUS_SGX_SIGNING_CERT_CHAIN_EXPIRED</c> (80).</summary>
    SgxSigningCertChainExpired = 80,

    /// <summary><c>STATUS_SGX_ENCLAVE_IDENTITY_EXPIRED</c> (81).</summary>
    SgxEnclaveIdentityExpired = 81,

    /// <summary><c>STATUS_TCB_SW_HARDENING_NEEDED</c> (82).</summary>
    TcbSwHardeningNeeded = 82,

    /// <summary><c>STATUS_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED</c> (83).</summary>
    TcbConfigurationAndSwHardeningNeeded = 83,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_ISVSVN_REVOKED</c> (84).</summary>
    SgxEnclaveReportIsvsvnRevoked = 84,

    /// <summary><c>STATUS_TDX_MODULE_MISMATCH</c> (85).</summary>
    TdxModuleMismatch = 85,

    /// <summary><c>STATUS_SGX_ENCLAVE_REPORT_ISVSVN_NOT_SUPPORTED</c> (86).</summary>
    SgxEnclaveReportIsvsvnNotSupported = 86,

    /// <summary><c>STATUS_TCB_TD_RELAUNCH_ADVISED</c> (87).</summary>
    TcbTdRelaunchAdvised = 87,

    /// <summary><c>STATUS_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED</c> (88).</summary>
    TcbTdRelaunchAdvisedConfigurationNeeded = 88,
}
