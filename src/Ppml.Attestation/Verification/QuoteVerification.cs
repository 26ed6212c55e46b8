using System.Globalization;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Verification;

/// <summary>
/// Verifies a quote described by files (<see cref="QuoteVerificationRequest"/>): reads the quote in any transport
/// encoding, the collateral, the trust anchor and the policy, verifies with Intel's semantics, appraises, and returns
/// one <see cref="QuoteVerificationOutcome"/>. It never throws for bad input; it reports it: an unreadable file or a
/// malformed root, policy or time is <see cref="QuoteVerificationVerdict.InvalidInput"/>; a malformed quote or
/// collateral (they come from the platform and Intel) is a verification failure with Intel's status.
/// </summary>
public static class QuoteVerification
{
    /// <summary>Runs the verification the request describes.</summary>
    /// <param name="request">The inputs.</param>
    /// <param name="timeProvider">"Now" when the request gives no time; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="cancellationToken">Cancels file reads.</param>
    /// <returns>The result and verdict.</returns>
    public static async Task<QuoteVerificationOutcome> VerifyAsync(
        QuoteVerificationRequest request,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        timeProvider ??= TimeProvider.System;
        var reader = new InputReader(cancellationToken);

        // Inputs the operator chose (root, policy, time) and the quote file itself: a problem here is unusable input.
        QuoteVerifier verifier;
        AppraisalPolicy? policy;
        DateTimeOffset at;
        byte[] quote;
        try
        {
            byte[]? root = request.RootPath is null ? null : await reader.ReadAnchorAsync(request.RootPath, "trusted root CA").ConfigureAwait(false);
            policy = request.PolicyPath is null
                ? null
                : AppraisalPolicy.Parse(await reader.ReadAnchorAsync(request.PolicyPath, "policy").ConfigureAwait(false), request.PolicyPath);

            // Either explicit switch turns the requirement off for the verification; a policy that requires revocation
            // (its default) then still rejects the result, with its own reason.
            verifier = new QuoteVerifier(
                new QuoteVerifierOptions
                {
                    TrustedRootCertificate = root is null ? default(ReadOnlyMemory<byte>?) : root,
                    Strict = request.Strict,
                    RequireRevocation = request.RequireRevocation && (policy?.RequireRevocationCheck ?? true),
                },
                timeProvider);
            at = request.At is null ? timeProvider.GetUtcNow() : ParseTime(request.At);
            quote = await reader.ReadAsync(request.QuotePath, "quote").ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AttestationFormatException or IOException or UnauthorizedAccessException)
        {
            return InputError(exception.Message);
        }

        // Quote and collateral come from the platform and Intel: malformed ones are verification failures.
        QuoteCollateral collateral;
        try
        {
            collateral = await LoadCollateralAsync(request, reader).ConfigureAwait(false);
        }
        catch (CollateralLoadException exception)
        {
            return InputError(exception.Message);
        }
        catch (AttestationFormatException exception)
        {
            return Rejected(Failure(StatusOf(exception.Field), exception.Message), policy);
        }

        byte[] binary;
        try
        {
            binary = QuoteEncoding.Decode(quote, request.QuotePath);
        }
        catch (AttestationFormatException exception)
        {
            return Rejected(Failure(QvlStatus.UnsupportedQuoteFormat, exception.Message), policy);
        }

        QuoteVerificationResult result = verifier.Verify(binary, collateral, at);
        if (policy is not null)
        {
            result = result with { Policy = policy.Evaluate(result) };
        }

        return new QuoteVerificationOutcome(result, result.IsAccepted ? QuoteVerificationVerdict.Accepted : QuoteVerificationVerdict.Rejected);
    }

    /// <summary>Parses a verification time: ISO-8601 (<c>2025-07-19T10:01:17Z</c>) or Unix seconds (<c>1752919277</c>).</summary>
    /// <param name="text">The time.</param>
    /// <returns>The instant.</returns>
    /// <exception cref="AttestationFormatException">The text is neither.</exception>
    internal static DateTimeOffset ParseTime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds))
        {
            if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                throw new AttestationFormatException($"time '{text}': Unix seconds out of range.", "at", null);
            }

            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            return time;
        }

        throw new AttestationFormatException(
            $"time '{text}': expected ISO-8601 (2025-07-19T10:01:17Z) or Unix seconds (1752919277).", "at", null);
    }

    private static async Task<QuoteCollateral> LoadCollateralAsync(QuoteVerificationRequest request, InputReader reader)
    {
        QuoteCollateral collateral = request.CollateralPath is null
            ? QuoteCollateral.Empty
            : QuoteCollateral.ParseBundleJson(await reader.CollateralAsync(request.CollateralPath, "collateral bundle").ConfigureAwait(false), request.CollateralPath);

        if (request.TcbSigningChainPath is { } chainPath)
        {
            byte[] bytes = await reader.CollateralAsync(chainPath, "TCB signing chain").ConfigureAwait(false);
            CertificateChain chain = Parse("tcb_info_issuer_chain", () => CertificateChain.Parse(bytes, chainPath));
            collateral = collateral with { TcbInfoIssuerChain = chain, QeIdentityIssuerChain = chain };
        }

        if (request.TcbInfoPath is { } tcbInfoPath)
        {
            byte[] bytes = await reader.CollateralAsync(tcbInfoPath, "TCB Info").ConfigureAwait(false);
            collateral = collateral with { TcbInfo = Parse("tcb_info", () => SignedTcbInfo.ParsePcsJson(bytes, tcbInfoPath)) };
        }

        if (request.QeIdentityPath is { } qeIdentityPath)
        {
            byte[] bytes = await reader.CollateralAsync(qeIdentityPath, "QE Identity").ConfigureAwait(false);
            collateral = collateral with { QeIdentity = Parse("qe_identity", () => SignedEnclaveIdentity.ParsePcsJson(bytes, qeIdentityPath)) };
        }

        if (request.RootCrlPath is { } rootCrlPath)
        {
            byte[] bytes = await reader.CollateralAsync(rootCrlPath, "root CA CRL").ConfigureAwait(false);
            collateral = collateral with { RootCaCrl = Parse("root_ca_crl", () => RevocationList.Parse(bytes, rootCrlPath)) };
        }

        if (request.PckCrlPath is { } pckCrlPath)
        {
            byte[] bytes = await reader.CollateralAsync(pckCrlPath, "PCK CRL").ConfigureAwait(false);
            collateral = collateral with { PckCrl = Parse("pck_crl", () => RevocationList.Parse(bytes, pckCrlPath)) };
        }

        if (request.PckChainPath is { } pckChainPath)
        {
            byte[] bytes = await reader.CollateralAsync(pckChainPath, "PCK certificate chain").ConfigureAwait(false);
            collateral = collateral with { PckCertificateChain = Parse("pck_certificate_chain", () => CertificateChain.Parse(bytes, pckChainPath)) };
        }

        return collateral;
    }

    /// <summary>Tags a parse failure with the collateral field it belongs to, so <see cref="StatusOf"/> picks Intel's status.</summary>
    private static T Parse<T>(string field, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (AttestationFormatException exception) when (exception.Field != field)
        {
            throw new AttestationFormatException(exception.Message, field, null, exception);
        }
    }

    /// <summary>Intel's status for malformed collateral of each kind.</summary>
    private static QvlStatus StatusOf(string? field) => field switch
    {
        "tcb_info" => QvlStatus.UnsupportedTcbInfoFormat,
        "qe_identity" => QvlStatus.UnsupportedQeIdentityFormat,
        "root_ca_crl" or "pck_crl" => QvlStatus.SgxCrlUnsupportedFormat,
        "tcb_info_issuer_chain" or "qe_identity_issuer_chain" or "pck_crl_issuer_chain" => QvlStatus.UnsupportedCertFormat,
        "pck_certificate_chain" => QvlStatus.UnsupportedPckCertFormat,
        _ => QvlStatus.InvalidParameter,
    };

    private static QuoteVerificationResult Failure(QvlStatus status, string message) => new()
    {
        Valid = false,
        CollateralExpired = false,
        RevocationChecked = false,
        Status = status,
        Error = VerificationError.For(status, message),
    };

    private static QuoteVerificationOutcome Rejected(QuoteVerificationResult failed, AppraisalPolicy? policy) =>
        new(failed with { Policy = policy?.Evaluate(failed) }, QuoteVerificationVerdict.Rejected);

    private static QuoteVerificationOutcome InputError(string message) =>
        new(Failure(QvlStatus.InvalidParameter, message), QuoteVerificationVerdict.InvalidInput);

    /// <summary>A collateral file that cannot be read at all (as opposed to one that is malformed).</summary>
    private sealed class CollateralLoadException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Reads input files, turning I/O failures into messages that name the input and its path.</summary>
    private sealed class InputReader(CancellationToken cancellationToken)
    {
        public async Task<byte[]> ReadAsync(string path, string input)
        {
            try
            {
                return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{input} '{path}': cannot read it ({exception.Message}).", exception);
            }
        }

        /// <summary>Reads a trust anchor (the root CA, the policy): refused when group or others can write it.</summary>
        public async Task<byte[]> ReadAnchorAsync(string path, string input)
        {
            try
            {
                return await Ppml.Core.IO.SecretFiles.ReadAllBytesAsync(path, Ppml.Core.IO.SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && exception is not Ppml.Core.IO.InsecureFileException)
            {
                throw new IOException($"{input} '{path}': cannot read it ({exception.Message}).", exception);
            }
        }

        public async Task<byte[]> CollateralAsync(string path, string input)
        {
            try
            {
                return await ReadAsync(path, input).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                throw new CollateralLoadException(exception.Message, exception);
            }
        }
    }
}
