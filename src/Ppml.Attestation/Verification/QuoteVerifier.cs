using System.Security.Cryptography;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Internal;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Verification;

/// <summary>
/// Verifies Intel DCAP quotes (SGX v3, TDX v4, v5) offline with the semantics of Intel's Quote Verification Library
/// and its QvE wrapper: header, PCK chain to the trusted root, CRLs, TCB Info and QE Identity signatures, FMSPC and
/// PCE-ID, QE report signature and data, QE identity, quote signature, TCB level matching and status merging.
/// Thread-safe; reuse one instance: it memoizes parsed certificates and signature checks keyed by exact bytes.
/// It never throws for untrusted input: every problem becomes a <see cref="QuoteVerificationResult"/>.
/// </summary>
public sealed partial class QuoteVerifier
{
    // Bounds the memo so hostile input (every mutated quote is a new key) cannot grow memory.
    private const int CacheCapacity = 4096;

    private readonly TimeProvider _timeProvider;
    private readonly ParsedCertificate _trustedRoot;
    private readonly BoundedCache<bool> _signatures = new(CacheCapacity);
    private readonly BoundedCache<ChainParse> _chains = new(CacheCapacity);
    private readonly BoundedCache<ImportedKey?> _attestationKeys = new(CacheCapacity);

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">Trust anchor and strictness; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">Supplies "now" when a verification gives no time; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="AttestationFormatException">The trusted root is not a self-issued X.509 certificate.</exception>
    public QuoteVerifier(QuoteVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new QuoteVerifierOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        IsStrict = options.Strict;
        RequiresRevocation = options.RequireRevocation;
        ReadOnlyMemory<byte> root = options.TrustedRootCertificate ?? IntelSgxRootCa.Der;
        CertificateChain parsed = CertificateChain.Parse(root.Span, "trusted root CA");
        if (parsed.Count != 1)
        {
            throw new AttestationFormatException(
                $"trusted root CA: expected one certificate, found {parsed.Count}.", "trustedRoot", null);
        }

        _trustedRoot = parsed.Parsed[0];
        TrustedRootCertificate = _trustedRoot.Der;
    }

    /// <summary>The trust anchor (DER).</summary>
    public ReadOnlyMemory<byte> TrustedRootCertificate { get; }

    /// <summary>True when expired collateral is fatal.</summary>
    public bool IsStrict { get; }

    /// <summary>True when a quote verified without both CRLs is invalid (<see cref="QuoteVerifierOptions.RequireRevocation"/>).</summary>
    public bool RequiresRevocation { get; }

    /// <summary>True when the trust anchor is the built-in production Intel SGX Root CA.</summary>
    public bool TrustsIntelRoot => _trustedRoot.Der.AsSpan().SequenceEqual(IntelSgxRootCa.Der.Span);

    /// <summary>Parses and verifies a binary quote.</summary>
    /// <param name="quote">Quote bytes (trailing bytes after the signature data are ignored).</param>
    /// <param name="collateral">
    /// Parsed collateral; <see cref="QuoteCollateral.Empty"/> checks only chain and signatures (and the result is invalid,
    /// since Intel's verification needs TCB Info and both CRLs).
    /// </param>
    /// <param name="verificationTime">The instant to check expiry at; "now" from the time provider when <see langword="null"/>.</param>
    /// <returns>The result; never throws for malformed input.</returns>
    public QuoteVerificationResult Verify(ReadOnlySpan<byte> quote, QuoteCollateral collateral, DateTimeOffset? verificationTime = null)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        if (!Quote.TryParse(quote, out Quote? parsed, out AttestationFormatException? error))
        {
            return new QuoteVerificationResult
            {
                Valid = false,
                CollateralExpired = false,
                RevocationChecked = false,
                Status = QvlStatus.UnsupportedQuoteFormat,
                Error = VerificationError.For(QvlStatus.UnsupportedQuoteFormat, error!.Message),
            };
        }

        return Verify(parsed!, collateral, verificationTime);
    }

    /// <summary>Verifies a parsed quote.</summary>
    /// <param name="quote">The quote.</param>
    /// <param name="collateral">Parsed collateral.</param>
    /// <param name="verificationTime">The instant to check expiry at; "now" from the time provider when <see langword="null"/>.</param>
    /// <returns>The result; never throws for malformed input.</returns>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral, DateTimeOffset? verificationTime = null)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(collateral);
        var run = new VerificationRun(this, quote, collateral, verificationTime ?? _timeProvider.GetUtcNow());
        return run.Execute();
    }

    /// <summary>Signature check memoized by the exact key, signature and data bytes.</summary>
    private bool IsSignatureValid(ReadOnlyMemory<byte> publicKey, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> signature, DSASignatureFormat format)
    {
        BytesKey key = BytesKey.Concat(publicKey, signature, data, new[] { (byte)format });
        return _signatures.GetOrAdd(key, () => EcdsaP256.Verify(publicKey.Span, data.Span, signature.Span, format));
    }

    private static bool IsCertificateSignedBy(ParsedCertificate certificate, ParsedCertificate issuer) => certificate.IsSignedBy(issuer);

    private static bool IsCrlSignedBy(RevocationList crl, ParsedCertificate issuer) => crl.IsSignedBy(issuer);

    /// <summary>
    /// The attestation key imported once per exact key bytes (a QE keeps its key across quotes). Importing validates
    /// the point and costs more than a verification, so this is where repeated verifications save most.
    /// <see langword="null"/> when the bytes are not a P-256 point.
    /// </summary>
    private ImportedKey? ImportAttestationKey(ReadOnlyMemory<byte> rawKey) =>
        _attestationKeys.GetOrAdd(new BytesKey(rawKey.ToArray()), () => EcdsaP256.TryImport(rawKey.Span) is { } key ? new ImportedKey(key) : null);

    /// <summary>The PEM chain from quote certification data, parsed once per exact byte string.</summary>
    private ChainParse ParseEmbeddedChain(ReadOnlyMemory<byte> pem) =>
        _chains.GetOrAdd(new BytesKey(pem.ToArray()), () =>
        {
            try
            {
                return new ChainParse(CertificateChain.Parse(pem.Span, "PCK certificate chain in the quote"), null);
            }
            catch (AttestationFormatException exception)
            {
                return new ChainParse(null, exception.Message);
            }
        });

    private sealed record ChainParse(CertificateChain? Chain, string? Error);

    /// <summary>An imported key shared across threads; verification is serialized per key because ECDsa is not documented thread-safe.</summary>
    private sealed class ImportedKey(ECDsa key)
    {
        private readonly Lock _gate = new();

        public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != 64)
            {
                return false;
            }

            lock (_gate)
            {
                return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
        }
    }
}
