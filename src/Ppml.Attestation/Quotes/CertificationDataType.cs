namespace Ppml.Attestation.Quotes;

/// <summary>Intel's QE certification data types: what the quote carries to identify the PCK certificate.</summary>
public enum CertificationDataType : ushort
{
    /// <summary>PPID in clear text with CPUSVN, PCESVN and PCE-ID; the PCK certificate must be supplied.</summary>
    PpidCleartext = 1,

    /// <summary>PPID encrypted with RSA-2048-OAEP; the PCK certificate must be fetched by the platform owner.</summary>
    PpidRsa2048Oaep = 2,

    /// <summary>PPID encrypted with RSA-3072-OAEP; cannot be resolved offline, the PCK chain must be supplied.</summary>
    PpidRsa3072Oaep = 3,

    /// <summary>The PCK leaf certificate only.</summary>
    PckLeafCertificate = 4,

    /// <summary>The PCK certificate chain (PEM: PCK, PCK CA, root CA); verifiable offline.</summary>
    PckCertificateChain = 5,

    /// <summary>Quote v4/v5 wrapper: QE report, its signature, QE authentication data and the inner certification data.</summary>
    QeReportCertificationData = 6,
}
