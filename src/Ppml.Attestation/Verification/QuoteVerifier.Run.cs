using System.Globalization;
using System.Security.Cryptography;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Internal;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Verification;

public sealed partial class QuoteVerifier
{
    private const string RootCaPhrase = "SGX Root CA";
    private const string IntermediateCaPhrase = "CA";
    private const string PckPhrase = "SGX PCK Certificate";
    private const string TcbSigningPhrase = "SGX TCB Signing";

    /// <summary>One verification: Intel's QvE sequence (PCK chain, TCB Info, QE Identity, then the quote).</summary>
    private sealed class VerificationRun
    {
        private readonly QuoteVerifier _verifier;
        private readonly Quote _quote;
        private readonly QuoteCollateral _collateral;
        private readonly DateTimeOffset _time;
        private readonly List<ExpiredCollateral> _expired = [];
        private readonly List<string> _notes = [];
        private readonly List<string> _advisories = [];

        public VerificationRun(QuoteVerifier verifier, Quote quote, QuoteCollateral collateral, DateTimeOffset time)
        {
            _verifier = verifier;
            _quote = quote;
            _collateral = collateral;
            _time = time;
        }

        private bool IsTdxQuote => _quote.Tee == TeeType.Tdx;

        public QuoteVerificationResult Execute()
        {
            (QvlStatus status, string? message) = Run();
            bool revocationChecked = _collateral.RootCaCrl is not null && _collateral.PckCrl is not null;
            string? missingCrls = revocationChecked ? null
                : _collateral.RootCaCrl is null && _collateral.PckCrl is null ? "no root CA CRL and no PCK CRL were given"
                : $"no {(_collateral.RootCaCrl is null ? "root CA CRL" : "PCK CRL")} was given";
            if (missingCrls is not null)
            {
                _notes.Add(_verifier.RequiresRevocation
                    ? $"revocation not checked: {missingCrls}"
                    : $"revocation not checked: {missingCrls}, and the revocation requirement was turned off");
            }

            bool expired = _expired.Count > 0;
            TcbStatus? tcbStatus = status.ToTcbStatus();
            bool valid = status.IsNonTerminalTcbStatus();
            VerificationError? error = valid ? null : VerificationError.For(status, message ?? status.ToQvlName());
            if (valid && missingCrls is not null && _verifier.RequiresRevocation)
            {
                // Intel's API does not run without both CRLs (sgxAttestationVerifyPCKCertificate, sgxAttestationVerifyQuote:
                // STATUS_MISSING_PARAMETERS). Everything else was checked first, so the result still says what holds.
                valid = false;
                status = QvlStatus.MissingParameters;
                error = VerificationError.For(
                    status,
                    $"revocation cannot be checked: {missingCrls}; everything else verifies. Supply the root CA CRL and the PCK CRL " +
                    "(--root-crl and --pck-crl, or root_ca_crl and pck_crl in the collateral bundle), or turn the requirement off " +
                    "explicitly (--no-revocation, QuoteVerifierOptions.RequireRevocation = false, or \"requireRevocationCheck\": false in the policy).");
            }

            if (valid && expired && _verifier.IsStrict)
            {
                ExpiredCollateral first = _expired[0];
                valid = false;
                error = VerificationError.For(
                    first.Status,
                    $"strict mode: collateral expired at the verification time {Asn.Iso(_time)}: " +
                    string.Join("; ", _expired.Select(e => e.Description)) + ". Fetch fresh collateral from Intel PCS or your PCCS.");
                status = first.Status;
            }

            return Measurements(new QuoteVerificationResult
            {
                Valid = valid,
                Tee = IsTdxQuote ? "TDX" : "SGX",
                QuoteVersion = _quote.Version,
                TcbStatus = tcbStatus,
                AdvisoryIds = tcbStatus is null ? null : _advisories.Distinct(StringComparer.Ordinal).ToArray(),
                CollateralExpired = expired,
                RevocationChecked = revocationChecked,
                Error = error,
                Status = status,
                Quote = _quote,
                ExpiredCollateral = _expired,
                Notes = _notes,
            });
        }

        private QuoteVerificationResult Measurements(QuoteVerificationResult result)
        {
            if (_quote.EnclaveReport is { } report)
            {
                return result with
                {
                    MrEnclave = Hex.Lower(report.MrEnclave.Span),
                    MrSigner = Hex.Lower(report.MrSigner.Span),
                    IsvProdId = report.IsvProdId,
                    IsvSvn = report.IsvSvn,
                    ReportData = Hex.Lower(report.ReportData.Span),
                };
            }

            TdReport td = _quote.TdReport!;
            return result with
            {
                MrTd = Hex.Lower(td.MrTd.Span),
                Rtmr0 = Hex.Lower(td.Rtmr0.Span),
                Rtmr1 = Hex.Lower(td.Rtmr1.Span),
                Rtmr2 = Hex.Lower(td.Rtmr2.Span),
                Rtmr3 = Hex.Lower(td.Rtmr3.Span),
                ReportData = Hex.Lower(td.ReportData.Span),
            };
        }

        private (QvlStatus Status, string? Message) Run()
        {
            // Quote::validate: the header fields Intel checks before anything else.
            if (!_quote.Header.QeVendorId.Span.SequenceEqual(QuoteHeader.IntelQeVendorId))
            {
                return (QvlStatus.UnsupportedQuoteFormat,
                    $"QE vendor ID {Hex.Lower(_quote.Header.QeVendorId.Span)} is not Intel's (939a7233f79c4ca9940a0db3957f0607); only Intel's quoting enclaves are supported.");
            }

            (Failure? failure, CertificateChain? pckChain) = ResolvePckChain();
            if (failure is not null)
            {
                return (failure.Status, failure.Message);
            }

            failure = VerifyPckChain(pckChain!, out ParsedCertificate? pck);
            if (failure is not null)
            {
                return (failure.Status, failure.Message);
            }

            SgxExtensionsParse extensionsParse = pck!.SgxExtensions;
            if (extensionsParse.Extensions is not { } extensions)
            {
                return (QvlStatus.InvalidPckCert, $"PCK certificate: {extensionsParse.Error}.");
            }

            TcbInfo? tcbInfo = null;
            if (_collateral.TcbInfo is { } signedTcbInfo)
            {
                failure = VerifySignedCollateral(
                    signedTcbInfo.Signatures,
                    signedTcbInfo.Body, signedTcbInfo.CompactBody, signedTcbInfo.Signature, _collateral.TcbInfoIssuerChain,
                    "TCB Info", QvlStatus.TcbInfoInvalidSignature);
                if (failure is not null)
                {
                    return (failure.Status, failure.Message);
                }

                tcbInfo = signedTcbInfo.TcbInfo;
                AddExpiry(tcbInfo.NextUpdate, QvlStatus.SgxTcbInfoExpired, "TCB Info (nextUpdate)");
            }
            else
            {
                _notes.Add("no TCB Info given: the TCB status cannot be determined");
            }

            EnclaveIdentity? qeIdentity = null;
            if (_collateral.QeIdentity is { } signedIdentity)
            {
                failure = VerifySignedCollateral(
                    signedIdentity.Signatures,
                    signedIdentity.Body, signedIdentity.CompactBody, signedIdentity.Signature,
                    _collateral.QeIdentityIssuerChain ?? _collateral.TcbInfoIssuerChain,
                    "QE Identity", QvlStatus.SgxEnclaveIdentityInvalidSignature);
                if (failure is not null)
                {
                    return (failure.Status, failure.Message);
                }

                qeIdentity = signedIdentity.Identity;
                AddExpiry(qeIdentity.NextUpdate, QvlStatus.SgxEnclaveIdentityExpired, "QE Identity (nextUpdate)");
            }
            else
            {
                _notes.Add("no QE Identity given: the quoting enclave's identity and TCB were not checked");
            }

            if (_collateral.PckCrlIssuerChain is { } crlIssuers)
            {
                foreach (ParsedCertificate certificate in crlIssuers.Parsed)
                {
                    AddExpiry(certificate.NotAfter, QvlStatus.SgxPckCertChainExpired, $"PCK CRL issuer certificate '{certificate.SubjectCommonName}'");
                }
            }

            return VerifyQuote(pck, extensions, tcbInfo, qeIdentity);
        }

        private (Failure? Failure, CertificateChain? Chain) ResolvePckChain()
        {
            if (_collateral.PckCertificateChain is { } supplied)
            {
                return (null, supplied);
            }

            CertificationData data = _quote.SignatureData.CertificationData;
            if (data.Type != CertificationDataType.PckCertificateChain)
            {
                string what = data.Type switch
                {
                    CertificationDataType.PpidCleartext => "a clear-text PPID",
                    CertificationDataType.PpidRsa2048Oaep or CertificationDataType.PpidRsa3072Oaep =>
                        "an encrypted PPID, which only Intel PCS or the platform's PCCS can resolve",
                    CertificationDataType.PckLeafCertificate => "only the PCK leaf certificate",
                    _ => $"certification data of type {data.TypeValue}",
                };
                return (new Failure(
                    QvlStatus.UnsupportedQeCertificationDataType,
                    $"the quote carries {what} (certification data type {data.TypeValue}), not the PCK certificate chain (type 5); " +
                    "supply the PCK certificate chain for this platform to verify it offline."), null);
            }

            ChainParse parse = _verifier.ParseEmbeddedChain(data.Data);
            if (parse.Chain is null)
            {
                return (new Failure(QvlStatus.UnsupportedCertFormat, $"{parse.Error}"), null);
            }

            return (null, parse.Chain);
        }

        /// <summary>PckCertVerifier: structure, issuers and signatures, trust anchor, CRLs, revocation, expiry.</summary>
        private Failure? VerifyPckChain(CertificateChain chain, out ParsedCertificate? pck)
        {
            pck = null;
            if (chain.Count != 3)
            {
                return new Failure(QvlStatus.UnsupportedCertFormat,
                    $"the PCK certificate chain has {chain.Count} certificate(s); expected 3 (root CA, PCK CA, PCK certificate).");
            }

            (ParsedCertificate? root, ParsedCertificate? intermediate, ParsedCertificate? leaf) = Identify(chain.Parsed);
            if (root is null || !root.SubjectCommonName.Contains(RootCaPhrase, StringComparison.Ordinal))
            {
                return new Failure(QvlStatus.SgxRootCaMissing, "the PCK certificate chain has no self-issued 'SGX Root CA' certificate.");
            }

            if (intermediate is null || !intermediate.SubjectCommonName.Contains(IntermediateCaPhrase, StringComparison.Ordinal))
            {
                return new Failure(QvlStatus.SgxIntermediateCaMissing, "the PCK certificate chain has no PCK Processor/Platform CA certificate.");
            }

            if (leaf is null || !leaf.SubjectCommonName.Contains(PckPhrase, StringComparison.Ordinal))
            {
                return new Failure(QvlStatus.SgxPckMissing, "the PCK certificate chain has no 'SGX PCK Certificate' leaf.");
            }

            if (!IsCertificateSignedBy(root, root))
            {
                return new Failure(QvlStatus.SgxRootCaInvalidIssuer, $"the root CA certificate '{root.SubjectCommonName}' of the PCK chain is not validly self-signed.");
            }

            if (!intermediate.Issuer.Span.SequenceEqual(root.Subject.Span) || !IsCertificateSignedBy(intermediate, root))
            {
                return new Failure(QvlStatus.SgxIntermediateCaInvalidIssuer, $"'{intermediate.SubjectCommonName}' is not signed by '{root.SubjectCommonName}'.");
            }

            if (!leaf.Issuer.Span.SequenceEqual(intermediate.Subject.Span) || !IsCertificateSignedBy(leaf, intermediate))
            {
                return new Failure(QvlStatus.SgxPckInvalidIssuer, $"the PCK certificate is not signed by '{intermediate.SubjectCommonName}'.");
            }

            if (!IsTrustedRoot(root))
            {
                return new Failure(QvlStatus.SgxPckCertChainUntrusted,
                    $"the PCK certificate chain ends in '{root.SubjectCommonName}' (key {KeyId(root)}) but the trusted root is '{_verifier._trustedRoot.SubjectCommonName}' (key {KeyId(_verifier._trustedRoot)}). " +
                    (_verifier.TrustsIntelRoot
                        ? "Only quotes from genuine Intel platforms verify against the Intel SGX Root CA; pass a simulated platform's root explicitly to verify simulated quotes."
                        : "Pass the root CA this platform chains to."));
            }

            if (_collateral.RootCaCrl is { } rootCrl)
            {
                Failure? crlFailure = CheckCrl(rootCrl, root, "root CA CRL");
                if (crlFailure is not null)
                {
                    return crlFailure;
                }
            }

            if (_collateral.PckCrl is { } pckCrl)
            {
                Failure? crlFailure = CheckCrl(pckCrl, intermediate, "PCK CRL");
                if (crlFailure is not null)
                {
                    return crlFailure;
                }
            }

            if (_collateral.RootCaCrl is { } rootList && rootList.IsRevoked(intermediate))
            {
                return new Failure(QvlStatus.SgxIntermediateCaRevoked, $"'{intermediate.SubjectCommonName}' is revoked by the root CA CRL.");
            }

            if (_collateral.PckCrl is { } pckList && pckList.IsRevoked(leaf))
            {
                return new Failure(QvlStatus.SgxPckRevoked, $"the PCK certificate (serial {leaf.SerialNumber}) is revoked by the PCK CRL of '{intermediate.SubjectCommonName}'.");
            }

            foreach (ParsedCertificate certificate in new[] { root, intermediate, leaf })
            {
                AddExpiry(certificate.NotAfter, QvlStatus.SgxPckCertChainExpired, $"PCK chain certificate '{certificate.SubjectCommonName}'");
            }

            AddCrlExpiry(_collateral.RootCaCrl, "root CA CRL");
            AddCrlExpiry(_collateral.PckCrl, "PCK CRL");
            pck = leaf;
            return null;
        }

        /// <summary>TCBSigningChain + signature + expiry, for TCB Info and QE Identity.</summary>
        private Failure? VerifySignedCollateral(
            SignatureMemo memo,
            ReadOnlyMemory<byte> body,
            ReadOnlyMemory<byte> compactBody,
            ReadOnlyMemory<byte> signature,
            CertificateChain? chain,
            string what,
            QvlStatus invalidSignature)
        {
            if (chain is null)
            {
                return new Failure(QvlStatus.SgxTcbSigningCertMissing,
                    $"no TCB signing chain was given for the {what}; pass the issuer chain served with it (--tcb-signing-chain).");
            }

            if (chain.Count != 2)
            {
                return new Failure(QvlStatus.UnsupportedCertFormat,
                    $"the {what} signing chain has {chain.Count} certificate(s); expected 2 (TCB signing certificate and root CA).");
            }

            (ParsedCertificate? root, _, ParsedCertificate? signer) = Identify(chain.Parsed);
            if (root is null || !root.SubjectCommonName.Contains(RootCaPhrase, StringComparison.Ordinal))
            {
                return new Failure(QvlStatus.SgxRootCaMissing, $"the {what} signing chain has no self-issued 'SGX Root CA' certificate.");
            }

            if (!IsCertificateSignedBy(root, root))
            {
                return new Failure(QvlStatus.SgxRootCaInvalidIssuer, $"the root CA certificate of the {what} signing chain is not validly self-signed.");
            }

            if (signer is null || !signer.SubjectCommonName.Contains(TcbSigningPhrase, StringComparison.Ordinal))
            {
                return new Failure(QvlStatus.SgxTcbSigningCertMissing, $"the {what} signing chain has no 'SGX TCB Signing' certificate.");
            }

            if (!signer.Issuer.Span.SequenceEqual(root.Subject.Span) || !IsCertificateSignedBy(signer, root))
            {
                return new Failure(QvlStatus.SgxTcbSigningCertInvalidIssuer, $"the TCB signing certificate of the {what} is not signed by '{root.SubjectCommonName}'.");
            }

            if (_collateral.RootCaCrl is { } rootCrl)
            {
                Failure? crlFailure = CheckCrl(rootCrl, root, "root CA CRL");
                if (crlFailure is not null)
                {
                    return crlFailure;
                }

                if (rootCrl.IsRevoked(signer))
                {
                    return new Failure(QvlStatus.SgxTcbSigningCertRevoked, $"the TCB signing certificate of the {what} is revoked by the root CA CRL.");
                }
            }

            if (!IsTrustedRoot(root))
            {
                return new Failure(QvlStatus.SgxTcbSigningCertChainUntrusted,
                    $"the {what} signing chain ends in '{root.SubjectCommonName}' (key {KeyId(root)}) but the trusted root is '{_verifier._trustedRoot.SubjectCommonName}' (key {KeyId(_verifier._trustedRoot)}).");
            }

            bool signed = memo.Check(signer.PublicKey.Span, () =>
                EcdsaP256.Verify(signer.PublicKey.Span, body.Span, signature.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) ||
                (!compactBody.Span.SequenceEqual(body.Span) &&
                 EcdsaP256.Verify(signer.PublicKey.Span, compactBody.Span, signature.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
            if (!signed)
            {
                return new Failure(invalidSignature,
                    $"the {what} signature does not verify with the TCB signing certificate; the JSON was altered or does not belong to this chain.");
            }

            AddExpiry(root.NotAfter, QvlStatus.SgxSigningCertChainExpired, $"{what} signing chain certificate '{root.SubjectCommonName}'");
            AddExpiry(signer.NotAfter, QvlStatus.SgxSigningCertChainExpired, $"{what} signing chain certificate '{signer.SubjectCommonName}'");
            return null;
        }

        private static Failure? CheckCrl(RevocationList crl, ParsedCertificate expectedIssuer, string what)
        {
            if (!crl.Issuer.Span.SequenceEqual(expectedIssuer.Subject.Span))
            {
                return new Failure(QvlStatus.SgxCrlUnknownIssuer,
                    $"the {what} is issued by '{crl.IssuerCommonName}', not by '{expectedIssuer.SubjectCommonName}'.");
            }

            // PckCrlVerifier::verify: issuer, then the required extensions, then the signature.
            if (!crl.HasRequiredExtensions)
            {
                return new Failure(QvlStatus.SgxCrlInvalidExtensions,
                    $"the {what} lacks the CRL Number or the Authority Key Identifier extension, which Intel requires in every CRL.");
            }

            if (!IsCrlSignedBy(crl, expectedIssuer))
            {
                return new Failure(QvlStatus.SgxCrlInvalidSignature, $"the {what} signature does not verify with '{expectedIssuer.SubjectCommonName}'.");
            }

            return null;
        }

        /// <summary>QuoteVerifier::verify: TCB Info match, TDX module, QE report, QE identity, quote signature, TCB level.</summary>
        private (QvlStatus Status, string? Message) VerifyQuote(
            ParsedCertificate pck,
            SgxPckExtensions extensions,
            TcbInfo? tcbInfo,
            EnclaveIdentity? qeIdentity)
        {
            TdxModuleIdentity? moduleIdentity = null;
            if (tcbInfo is not null)
            {
                if (tcbInfo.Version >= 3)
                {
                    if (tcbInfo.Id == TcbInfo.TdxId && !IsTdxQuote)
                    {
                        return (QvlStatus.TcbInfoMismatch, "the TCB Info is for TDX but the quote is an SGX quote.");
                    }

                    if (tcbInfo.Id == TcbInfo.SgxId && IsTdxQuote)
                    {
                        return (QvlStatus.TcbInfoMismatch, "the TCB Info is for SGX but the quote is a TDX quote; fetch the TDX TCB Info (/tdx/certification/v4/tcb).");
                    }
                }
                else if (IsTdxQuote)
                {
                    return (QvlStatus.TcbInfoMismatch, $"TCB Info version {tcbInfo.Version} cannot describe a TDX platform; version 3 is required.");
                }

                if (!tcbInfo.Fmspc.Span.SequenceEqual(extensions.Fmspc.Span))
                {
                    return (QvlStatus.TcbInfoMismatch,
                        $"the TCB Info is for FMSPC {Hex.Lower(tcbInfo.Fmspc.Span)} but the PCK certificate says {Hex.Lower(extensions.Fmspc.Span)}; fetch the TCB Info for this FMSPC.");
                }

                if (!tcbInfo.PceId.Span.SequenceEqual(extensions.PceId.Span))
                {
                    return (QvlStatus.TcbInfoMismatch,
                        $"the TCB Info is for PCE-ID {Hex.Lower(tcbInfo.PceId.Span)} but the PCK certificate says {Hex.Lower(extensions.PceId.Span)}.");
                }

                if (tcbInfo.IsTdx)
                {
                    (QvlStatus status, string? message) = CheckTdxModule(tcbInfo, out moduleIdentity);
                    if (status != QvlStatus.Ok)
                    {
                        return (status, message);
                    }
                }
            }

            QuoteSignatureData signature = _quote.SignatureData;
            if (!_verifier.IsSignatureValid(pck.PublicKey, signature.QeReport.Raw, signature.QeReportSignature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return (QvlStatus.InvalidQeReportSignature, "the QE report signature does not verify with the PCK certificate's key.");
            }

            Span<byte> expected = stackalloc byte[32];
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                hash.AppendData(signature.AttestationKey.Span);
                hash.AppendData(signature.QeAuthenticationData.Span);
                hash.GetHashAndReset(expected);
            }

            if (!signature.QeReport.ReportData.Span[..32].SequenceEqual(expected))
            {
                return (QvlStatus.InvalidQeReportData,
                    "the QE report data is not SHA-256(attestation key || QE authentication data): the attestation key is not bound to this quoting enclave.");
            }

            QvlStatus? qeStatus = null;
            if (qeIdentity is not null)
            {
                (QvlStatus status, string? message) = CheckQeIdentity(qeIdentity, signature.QeReport);
                if (status is QvlStatus.QeIdentityMismatch or QvlStatus.UnsupportedQeIdentityFormat)
                {
                    return (status, message);
                }

                qeStatus = status;
            }

            if (_verifier.ImportAttestationKey(signature.AttestationKey) is not { } attestationKey)
            {
                return (QvlStatus.UnsupportedQuoteFormat, "the attestation key in the quote is not a P-256 public key.");
            }

            if (!attestationKey.Verify(_quote.SignedData.Span, signature.Signature.Span))
            {
                return (QvlStatus.InvalidQuoteSignature,
                    "the quote signature does not verify with the attestation key: the header or report body was altered.");
            }

            if (tcbInfo is null)
            {
                return (QvlStatus.MissingParameters,
                    "the PCK chain, QE report and quote signatures are valid, but no TCB Info was given, so the TCB status is unknown; pass the TCB Info for FMSPC " +
                    $"{Hex.Lower(extensions.Fmspc.Span)} (--tcb-info or --collateral).");
            }

            return CheckTcbLevel(tcbInfo, extensions, qeStatus, moduleIdentity);
        }

        /// <summary>4.1.2.4.11: MRSIGNERSEAM and SEAMATTRIBUTES against the TDX module (identity).</summary>
        private (QvlStatus Status, string? Message) CheckTdxModule(TcbInfo tcbInfo, out TdxModuleIdentity? identity)
        {
            identity = null;
            TdReport td = _quote.TdReport!;
            byte moduleVersion = td.TeeTcbSvn.Span[1];
            ReadOnlyMemory<byte> mrSigner = tcbInfo.TdxModule!.MrSigner;
            ReadOnlyMemory<byte> attributes = tcbInfo.TdxModule.Attributes;
            if (_quote.Version > 3 && moduleVersion > 0)
            {
                if (tcbInfo.TdxModuleIdentities is null)
                {
                    return (QvlStatus.TcbInfoMismatch,
                        $"the TDX module version is {moduleVersion} but the TCB Info has no tdxModuleIdentities.");
                }

                identity = FindModuleIdentity(tcbInfo, moduleVersion);
                if (identity is null)
                {
                    return (QvlStatus.TdxModuleMismatch, $"the TCB Info has no TDX module identity TDX_{moduleVersion:X2}.");
                }

                mrSigner = identity.MrSigner;
                attributes = identity.Attributes;
            }

            if (!td.MrSignerSeam.Span.SequenceEqual(mrSigner.Span))
            {
                return (QvlStatus.TdxModuleMismatch, "MRSIGNERSEAM of the TD report is not the TDX module signer in the TCB Info.");
            }

            ReadOnlySpan<byte> seamAttributes = td.SeamAttributes.Span;
            for (int i = 0; i < seamAttributes.Length; i++)
            {
                // Intel requires SEAMATTRIBUTES to be zero and equal to the expected attributes (no mask applied).
                if (seamAttributes[i] != 0 || (i < attributes.Length && seamAttributes[i] != attributes.Span[i]))
                {
                    return (QvlStatus.TdxModuleMismatch, "SEAMATTRIBUTES of the TD report are not zero and equal to the TDX module attributes.");
                }
            }

            return (QvlStatus.Ok, null);
        }

        /// <summary>EnclaveReportVerifier against the QE identity, mapped as QuoteVerifier maps it.</summary>
        private (QvlStatus Status, string? Message) CheckQeIdentity(EnclaveIdentity identity, SgxEnclaveReport qeReport)
        {
            if (IsTdxQuote ? identity.Id != "TD_QE" : identity.Id != "QE")
            {
                return (QvlStatus.QeIdentityMismatch,
                    $"the QE Identity is for '{identity.Id}' but a {(IsTdxQuote ? "TDX quote needs TD_QE" : "SGX quote needs QE")}.");
            }

            ReadOnlySpan<byte> misc = qeReport.MiscSelectBytes.Span;
            for (int i = 0; i < 4; i++)
            {
                if ((misc[i] & identity.MiscSelectMask.Span[i]) != identity.MiscSelect.Span[i])
                {
                    return (QvlStatus.QeIdentityMismatch, "the QE's MISCSELECT (masked) does not match the QE Identity.");
                }
            }

            ReadOnlySpan<byte> attributes = qeReport.Attributes.Span;
            for (int i = 0; i < 16; i++)
            {
                if ((attributes[i] & identity.AttributesMask.Span[i]) != identity.Attributes.Span[i])
                {
                    return (QvlStatus.QeIdentityMismatch, "the QE's ATTRIBUTES (masked) do not match the QE Identity.");
                }
            }

            if (!qeReport.MrSigner.Span.SequenceEqual(identity.MrSigner.Span))
            {
                return (QvlStatus.QeIdentityMismatch,
                    $"the QE's MRSIGNER {Hex.Lower(qeReport.MrSigner.Span)} is not the one in the QE Identity ({Hex.Lower(identity.MrSigner.Span)}).");
            }

            if (qeReport.IsvProdId != identity.IsvProdId)
            {
                return (QvlStatus.QeIdentityMismatch,
                    $"the QE's ISVPRODID {qeReport.IsvProdId} is not the one in the QE Identity ({identity.IsvProdId}).");
            }

            EnclaveTcbLevel? level = identity.TcbLevels.FirstOrDefault(l => l.IsvSvn <= qeReport.IsvSvn);
            if (level is null)
            {
                return (QvlStatus.SgxEnclaveReportIsvsvnNotSupported, null);
            }

            _advisories.AddRange(level.AdvisoryIds);
            return level.Status switch
            {
                TcbStatus.UpToDate => (QvlStatus.Ok, null),
                TcbStatus.Revoked => (QvlStatus.SgxEnclaveReportIsvsvnRevoked, null),
                _ => (QvlStatus.SgxEnclaveReportIsvsvnOutOfDate, null),
            };
        }

        /// <summary>checkTcbLevel: match SGX (and TDX) levels, TDX module level, relaunch, QE convergence.</summary>
        private (QvlStatus Status, string? Message) CheckTcbLevel(TcbInfo tcbInfo, SgxPckExtensions pck, QvlStatus? qeStatus, TdxModuleIdentity? moduleIdentity)
        {
            bool isTdx = tcbInfo.IsTdx && IsTdxQuote;
            ReadOnlySpan<byte> teeTcbSvn = isTdx ? _quote.TdReport!.TeeTcbSvn.Span : default;
            TcbLevel? sgxLevel = null;
            TcbLevel? tdxLevel = null;
            foreach (TcbLevel level in tcbInfo.OrderedLevels)
            {
                if (!IsSgxHigherOrEqual(pck, level) || pck.PceSvn < level.PceSvn)
                {
                    continue;
                }

                if (!isTdx)
                {
                    sgxLevel = level;
                    break;
                }

                sgxLevel ??= level;
                if (IsTdxHigherOrEqual(teeTcbSvn, level))
                {
                    tdxLevel = level;
                    break;
                }
            }

            string svns = $"PCK SGX components {Hex.Lower(pck.TcbComponents.ToArray())}, PCESVN {pck.PceSvn}" +
                (isTdx ? $", TEE_TCB_SVN {Hex.Lower(teeTcbSvn)}" : string.Empty);
            if (sgxLevel is null)
            {
                return (QvlStatus.TcbNotSupported,
                    $"no TCB level of the TCB Info matches the platform ({svns}): it is older than every level Intel lists.");
            }

            QvlStatus sgxStatus = sgxLevel.Status.ToQvlStatus();
            if (!isTdx)
            {
                _advisories.InsertRange(0, sgxLevel.AdvisoryIds);
                return Final(qeStatus is { } qe ? ConvergeWithQe(sgxStatus, qe) : sgxStatus, svns);
            }

            if (tdxLevel is null)
            {
                return (QvlStatus.TcbNotSupported, $"no TDX TCB level of the TCB Info matches the platform ({svns}).");
            }

            (QvlStatus moduleStatus, TdxModuleTcbLevel? moduleLevel) = CheckTdxModuleTcbStatus(tcbInfo, moduleIdentity);
            if (moduleStatus is QvlStatus.TcbNotSupported or QvlStatus.TdxModuleMismatch)
            {
                return (moduleStatus, moduleStatus == QvlStatus.TcbNotSupported
                    ? $"no TCB level of TDX module identity TDX_{teeTcbSvn[1]:X2} matches module ISVSVN {teeTcbSvn[0]}."
                    : $"the TCB Info has no TDX module identity TDX_{teeTcbSvn[1]:X2}.");
            }

            var merged = new List<string>(tdxLevel.AdvisoryIds);
            if (moduleLevel is not null)
            {
                merged.AddRange(moduleLevel.AdvisoryIds);
            }

            _advisories.InsertRange(0, merged);
            QvlStatus tdxStatus = ConvergeWithModule(tdxLevel.Status.ToQvlStatus(), moduleStatus);
            if (tdxStatus == QvlStatus.TcbRevoked)
            {
                return Final(tdxStatus, svns);
            }

            if (_quote.BodyType == QuoteBodyType.TdReport15)
            {
                tdxStatus = CheckForRelaunch(_quote.TdReport!.TeeTcbSvn2.Span, tcbInfo, sgxStatus, tdxStatus, moduleStatus, qeStatus);
            }

            return Final(qeStatus is { } q ? ConvergeWithQe(tdxStatus, q) : tdxStatus, svns);
        }

        private static (QvlStatus, string?) Final(QvlStatus status, string svns) => status switch
        {
            QvlStatus.TcbRevoked => (status, $"the platform's TCB level is Revoked ({svns}); do not trust this platform."),
            QvlStatus.TcbNotSupported => (status, "the quoting enclave's ISVSVN is below every level of the QE Identity."),
            QvlStatus.TcbUnrecognizedStatus => (status, "the matched TCB level has a status this verifier does not know."),
            _ => (status, null),
        };

        private (QvlStatus Status, TdxModuleTcbLevel? Level) CheckTdxModuleTcbStatus(TcbInfo tcbInfo, TdxModuleIdentity? identity)
        {
            ReadOnlySpan<byte> teeTcbSvn = _quote.TdReport!.TeeTcbSvn.Span;
            byte moduleVersion = teeTcbSvn[1];
            byte moduleSvn = teeTcbSvn[0];
            if (_quote.Version > 3 && moduleVersion == 0)
            {
                return (QvlStatus.Ok, null);
            }

            identity ??= FindModuleIdentity(tcbInfo, moduleVersion);
            if (identity is null)
            {
                return (QvlStatus.TdxModuleMismatch, null);
            }

            TdxModuleTcbLevel? level = identity.TcbLevels.FirstOrDefault(l => moduleSvn >= l.IsvSvn);
            return level is null ? (QvlStatus.TcbNotSupported, null) : (level.Status.ToQvlStatus(), level);
        }

        private static TdxModuleIdentity? FindModuleIdentity(TcbInfo tcbInfo, byte moduleVersion)
        {
            string id = string.Create(CultureInfo.InvariantCulture, $"TDX_{moduleVersion:X2}");
            return tcbInfo.TdxModuleIdentities?.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>TDX 1.5: a TD whose module was updated at run time is told to relaunch rather than being OutOfDate.</summary>
        private static QvlStatus CheckForRelaunch(
            ReadOnlySpan<byte> teeTcbSvn2,
            TcbInfo tcbInfo,
            QvlStatus sgxStatus,
            QvlStatus tdxStatus,
            QvlStatus moduleStatus,
            QvlStatus? qeStatus)
        {
            bool qeFine = qeStatus is null or not (QvlStatus.SgxEnclaveReportIsvsvnOutOfDate or QvlStatus.SgxEnclaveReportIsvsvnRevoked
                or QvlStatus.SgxEnclaveReportIsvsvnNotSupported);
            bool sgxFine = sgxStatus is QvlStatus.Ok or QvlStatus.TcbSwHardeningNeeded or QvlStatus.TcbConfigurationNeeded
                or QvlStatus.TcbConfigurationAndSwHardeningNeeded;
            if (!qeFine || !sgxFine || tdxStatus is not (QvlStatus.TcbOutOfDate or QvlStatus.TcbOutOfDateConfigurationNeeded)
                || moduleStatus != QvlStatus.TcbOutOfDate)
            {
                return tdxStatus;
            }

            if (tcbInfo.OrderedLevels.Count == 0)
            {
                return QvlStatus.TcbNotSupported;
            }

            TcbLevel latest = tcbInfo.OrderedLevels[0];
            bool relaunch;
            if (teeTcbSvn2[1] == 0)
            {
                relaunch = teeTcbSvn2[0] >= latest.TdxComponents[0] && teeTcbSvn2[2] >= latest.TdxComponents[2];
            }
            else
            {
                TdxModuleIdentity? identity2 = FindModuleIdentity(tcbInfo, teeTcbSvn2[1]);
                if (identity2 is null)
                {
                    return QvlStatus.TdxModuleMismatch;
                }

                if (identity2.TcbLevels.Count == 0)
                {
                    return QvlStatus.TcbNotSupported;
                }

                relaunch = teeTcbSvn2[0] >= identity2.TcbLevels[0].IsvSvn && teeTcbSvn2[2] >= latest.TdxComponents[2];
            }

            if (!relaunch)
            {
                return tdxStatus;
            }

            return IsConfigurationNeeded(sgxStatus) || IsConfigurationNeeded(tdxStatus)
                ? QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded
                : QvlStatus.TcbTdRelaunchAdvised;
        }

        private static bool IsConfigurationNeeded(QvlStatus status) =>
            status is QvlStatus.TcbConfigurationNeeded or QvlStatus.TcbOutOfDateConfigurationNeeded
                or QvlStatus.TcbConfigurationAndSwHardeningNeeded or QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded;

        private static QvlStatus ConvergeWithQe(QvlStatus tcbLevelStatus, QvlStatus qeStatus)
        {
            if (qeStatus == QvlStatus.SgxEnclaveReportIsvsvnOutOfDate)
            {
                if (tcbLevelStatus is QvlStatus.Ok or QvlStatus.TcbSwHardeningNeeded)
                {
                    return QvlStatus.TcbOutOfDate;
                }

                if (tcbLevelStatus is QvlStatus.TcbConfigurationNeeded or QvlStatus.TcbConfigurationAndSwHardeningNeeded)
                {
                    return QvlStatus.TcbOutOfDateConfigurationNeeded;
                }
            }

            if (qeStatus == QvlStatus.SgxEnclaveReportIsvsvnRevoked)
            {
                return QvlStatus.TcbRevoked;
            }

            if (qeStatus == QvlStatus.SgxEnclaveReportIsvsvnNotSupported)
            {
                return QvlStatus.TcbNotSupported;
            }

            return tcbLevelStatus is QvlStatus.TcbTdRelaunchAdvised or QvlStatus.TcbTdRelaunchAdvisedConfigurationNeeded
                or QvlStatus.TcbOutOfDate or QvlStatus.TcbRevoked or QvlStatus.TcbConfigurationNeeded
                or QvlStatus.TcbOutOfDateConfigurationNeeded or QvlStatus.TcbSwHardeningNeeded
                or QvlStatus.TcbConfigurationAndSwHardeningNeeded or QvlStatus.TcbNotSupported or QvlStatus.Ok
                ? tcbLevelStatus
                : QvlStatus.TcbUnrecognizedStatus;
        }

        private static QvlStatus ConvergeWithModule(QvlStatus tcbLevelStatus, QvlStatus moduleStatus)
        {
            if (moduleStatus == QvlStatus.TcbOutOfDate)
            {
                if (tcbLevelStatus is QvlStatus.Ok or QvlStatus.TcbSwHardeningNeeded)
                {
                    return QvlStatus.TcbOutOfDate;
                }

                if (tcbLevelStatus is QvlStatus.TcbConfigurationNeeded or QvlStatus.TcbConfigurationAndSwHardeningNeeded)
                {
                    return QvlStatus.TcbOutOfDateConfigurationNeeded;
                }
            }

            if (moduleStatus == QvlStatus.TcbRevoked)
            {
                return QvlStatus.TcbRevoked;
            }

            return tcbLevelStatus is QvlStatus.TcbOutOfDate or QvlStatus.TcbRevoked or QvlStatus.TcbConfigurationNeeded
                or QvlStatus.TcbOutOfDateConfigurationNeeded or QvlStatus.TcbSwHardeningNeeded
                or QvlStatus.TcbConfigurationAndSwHardeningNeeded or QvlStatus.Ok
                ? tcbLevelStatus
                : QvlStatus.TcbUnrecognizedStatus;
        }

        private static bool IsSgxHigherOrEqual(SgxPckExtensions pck, TcbLevel level)
        {
            for (int i = 0; i < 16; i++)
            {
                if (pck.TcbComponents[i] < level.SgxComponents[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsTdxHigherOrEqual(ReadOnlySpan<byte> teeTcbSvn, TcbLevel level)
        {
            // With a versioned TDX module (byte 1 > 0) bytes 0 and 1 are checked against the module identity instead.
            for (int i = teeTcbSvn[1] > 0 ? 2 : 0; i < 16; i++)
            {
                if (teeTcbSvn[i] < level.TdxComponents[i])
                {
                    return false;
                }
            }

            return true;
        }

        private bool IsTrustedRoot(ParsedCertificate root) =>
            !root.PublicKey.IsEmpty && root.PublicKey.Span.SequenceEqual(_verifier._trustedRoot.PublicKey.Span);

        /// <summary>First 8 bytes of SHA-256 of the public key, to tell apart roots that share a name.</summary>
        private static string KeyId(ParsedCertificate certificate) =>
            Hex.Lower(SHA256.HashData(certificate.PublicKey.Span).AsSpan(0, 8));

        private void AddExpiry(DateTimeOffset expiry, QvlStatus status, string what)
        {
            if (_time >= expiry)
            {
                _expired.Add(new ExpiredCollateral(status, $"{what} expired {Asn.Iso(expiry)}", expiry));
            }
        }

        /// <summary>Intel's CrlStore::expired: a CRL is expired before its thisUpdate as well as from its nextUpdate on.</summary>
        private void AddCrlExpiry(RevocationList? crl, string what)
        {
            if (crl is null || !crl.IsExpiredAt(_time))
            {
                return;
            }

            _expired.Add(_time < crl.ThisUpdate
                ? new ExpiredCollateral(QvlStatus.SgxCrlExpired, $"{what} not yet valid: issued {Asn.Iso(crl.ThisUpdate)} (thisUpdate)", crl.ThisUpdate)
                : new ExpiredCollateral(QvlStatus.SgxCrlExpired, $"{what} (nextUpdate) expired {Asn.Iso(crl.NextUpdate!.Value)}", crl.NextUpdate!.Value));
        }

        private static (ParsedCertificate? Root, ParsedCertificate? Intermediate, ParsedCertificate? Leaf) Identify(IReadOnlyList<ParsedCertificate> certificates)
        {
            ParsedCertificate? root = certificates.FirstOrDefault(c => c.IsSelfIssued);
            List<ParsedCertificate> others = certificates.Where(c => !ReferenceEquals(c, root)).ToList();
            ParsedCertificate? leaf = others.FirstOrDefault(c =>
                !others.Any(o => !ReferenceEquals(o, c) && o.Issuer.Span.SequenceEqual(c.Subject.Span)));
            ParsedCertificate? intermediate = others.FirstOrDefault(c => !ReferenceEquals(c, leaf));
            return (root, intermediate, leaf);
        }
    }

    private sealed record Failure(QvlStatus Status, string Message);
}
