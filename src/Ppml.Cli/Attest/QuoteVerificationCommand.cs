using Ppml.Attestation;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Verification;

namespace Ppml.Cli.Attest;

/// <summary>
/// <c>ppml attest verify</c> without the console: loads the quote, collateral, root and policy from files, verifies,
/// appraises and returns the result with its exit code. It never throws for bad input; it reports it.
/// </summary>
internal static class QuoteVerificationCommand
{
    /// <summary>Runs a verification with the system clock.</summary>
    /// <param name="request">The inputs.</param>
    /// <param name="cancellationToken">Cancels file reads.</param>
    /// <returns>The result and exit code.</returns>
    public static Task<QuoteVerificationOutcome> RunAsync(QuoteVerificationRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(request, TimeProvider.System, cancellationToken);

    /// <summary>Runs a verification.</summary>
    /// <param name="request">The inputs.</param>
    /// <param name="timeProvider">"Now" when the request gives no time.</param>
    /// <param name="cancellationToken">Cancels file reads.</param>
    /// <returns>The result and exit code.</returns>
    public static async Task<QuoteVerificationOutcome> RunAsync(
        QuoteVerificationRequest request,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var reader = new InputReader(cancellationToken);

        // Inputs the operator chose (root, policy, time): a problem here is a usage error, exit code 2.
        QuoteVerifier verifier;
        AppraisalPolicy? policy;
        DateTimeOffset at;
        byte[] quote;
        try
        {
            byte[]? root = request.RootPath is null ? null : await reader.ReadAsync(request.RootPath, "--root").ConfigureAwait(false);
            verifier = new QuoteVerifier(
                new QuoteVerifierOptions { TrustedRootCertificate = root is null ? default(ReadOnlyMemory<byte>?) : root, Strict = request.Strict },
                timeProvider);
            policy = request.PolicyPath is null
                ? null
                : AppraisalPolicy.Parse(await reader.ReadAsync(request.PolicyPath, "--policy").ConfigureAwait(false), request.PolicyPath);
            at = request.At is null ? timeProvider.GetUtcNow() : AttestationInput.ParseTime(request.At);
            quote = await reader.ReadAsync(request.QuotePath, "QUOTE").ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AttestationFormatException or IOException or UnauthorizedAccessException)
        {
            return InputError(exception.Message);
        }

        // Quote and collateral come from the platform and Intel: problems are verification failures, exit code 1.
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
            QuoteVerificationResult failed = Failure(StatusOf(exception.Field), exception.Message);
            return new QuoteVerificationOutcome(failed with { Policy = policy?.Evaluate(failed) }, QuoteVerificationOutcome.Rejected);
        }

        byte[] binary;
        try
        {
            binary = AttestationInput.ReadQuote(quote, request.QuotePath);
        }
        catch (AttestationFormatException exception)
        {
            QuoteVerificationResult failed = Failure(QvlStatus.UnsupportedQuoteFormat, exception.Message);
            return new QuoteVerificationOutcome(failed with { Policy = policy?.Evaluate(failed) }, QuoteVerificationOutcome.Rejected);
        }

        QuoteVerificationResult result = verifier.Verify(binary, collateral, at);
        if (policy is not null)
        {
            result = result with { Policy = policy.Evaluate(result) };
        }

        return new QuoteVerificationOutcome(result, result.IsAccepted ? QuoteVerificationOutcome.Accepted : QuoteVerificationOutcome.Rejected);
    }

    private static async Task<QuoteCollateral> LoadCollateralAsync(QuoteVerificationRequest request, InputReader reader)
    {
        QuoteCollateral collateral = request.CollateralPath is null
            ? QuoteCollateral.Empty
            : QuoteCollateral.ParseBundleJson(await reader.CollateralAsync(request.CollateralPath, "--collateral").ConfigureAwait(false), request.CollateralPath);

        if (request.TcbSigningChainPath is { } chainPath)
        {
            byte[] bytes = await reader.CollateralAsync(chainPath, "--tcb-signing-chain").ConfigureAwait(false);
            CertificateChain chain = Parse("tcb_info_issuer_chain", () => CertificateChain.Parse(bytes, chainPath));
            collateral = collateral with { TcbInfoIssuerChain = chain, QeIdentityIssuerChain = chain };
        }

        if (request.TcbInfoPath is { } tcbInfoPath)
        {
            byte[] bytes = await reader.CollateralAsync(tcbInfoPath, "--tcb-info").ConfigureAwait(false);
            collateral = collateral with
            {
                TcbInfo = Parse("tcb_info", () => SignedTcbInfo.ParsePcsJson(bytes, tcbInfoPath)),
            };
        }

        if (request.QeIdentityPath is { } qeIdentityPath)
        {
            byte[] bytes = await reader.CollateralAsync(qeIdentityPath, "--qe-identity").ConfigureAwait(false);
            collateral = collateral with
            {
                QeIdentity = Parse("qe_identity", () => SignedEnclaveIdentity.ParsePcsJson(bytes, qeIdentityPath)),
            };
        }

        if (request.RootCrlPath is { } rootCrlPath)
        {
            byte[] bytes = await reader.CollateralAsync(rootCrlPath, "--root-crl").ConfigureAwait(false);
            collateral = collateral with { RootCaCrl = Parse("root_ca_crl", () => RevocationList.Parse(bytes, rootCrlPath)) };
        }

        if (request.PckCrlPath is { } pckCrlPath)
        {
            byte[] bytes = await reader.CollateralAsync(pckCrlPath, "--pck-crl").ConfigureAwait(false);
            collateral = collateral with { PckCrl = Parse("pck_crl", () => RevocationList.Parse(bytes, pckCrlPath)) };
        }

        if (request.PckChainPath is { } pckChainPath)
        {
            byte[] bytes = await reader.CollateralAsync(pckChainPath, "--pck-chain").ConfigureAwait(false);
            collateral = collateral with
            {
                PckCertificateChain = Parse("pck_certificate_chain", () => CertificateChain.Parse(bytes, pckChainPath)),
            };
        }

        return collateral;
    }

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

    private static QuoteVerificationOutcome InputError(string message) =>
        new(Failure(QvlStatus.InvalidParameter, message), QuoteVerificationOutcome.InvalidInput);

    /// <summary>A collateral file that cannot be read at all (as opposed to one that is malformed).</summary>
    private sealed class CollateralLoadException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Reads input files, turning I/O failures into messages that name the option and path.</summary>
    private sealed class InputReader(CancellationToken cancellationToken)
    {
        public async Task<byte[]> ReadAsync(string path, string option)
        {
            try
            {
                return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{option} '{path}': cannot read it ({exception.Message}).", exception);
            }
        }

        public async Task<byte[]> CollateralAsync(string path, string option)
        {
            try
            {
                return await ReadAsync(path, option).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                throw new CollateralLoadException(exception.Message, exception);
            }
        }
    }
}
