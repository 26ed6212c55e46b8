using System.Collections.Concurrent;
using System.Text;
using Ppml.Attestation;
using Ppml.Attestation.Collateral;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Attestation.Verification;
using Ppml.Core.IO;

namespace Ppml.Kms.Server.Attestation;

/// <summary>
/// The evidence verifier of <c>POST /v1/attest</c>: Intel DCAP verification (Ppml.Attestation's <see cref="QuoteVerifier"/>,
/// Intel QVL semantics) against the Intel SGX Root CA, then appraisal with the registered <see cref="AppraisalPolicy"/>.
/// Collateral comes with the request, or from a cache keyed by trust anchor, TEE type and FMSPC that earlier verified
/// requests and the operator's seed bundles fill. Quotes from a simulated platform are accepted only when the operator
/// configured its root (<see cref="DcapEvidenceVerifierOptions.SimulatedRootCertificate"/>), and then their verdict says
/// <c>"simulation"</c>. Malformed evidence or collateral throws <see cref="AttestationFormatException"/> (400);
/// everything else is a verdict (accepted, or refused with every reason).
/// </summary>
public sealed class DcapEvidenceVerifier : IEvidenceVerifier
{
    // Intel has a few hundred FMSPCs; the cap only stops hostile input from growing memory.
    private const int MaxCachedCollateral = 1024;
    private const int MaxCachedPolicies = 256;

    // Revocation is required unless the key's policy turns it off ("requireRevocationCheck": false); the verifiers that
    // do not require it are used only for such policies, whose appraisal then accepts a result without CRLs.
    private readonly QuoteVerifier _intel;
    private readonly QuoteVerifier _intelWithoutRevocation;
    private readonly QuoteVerifier? _simulated;
    private readonly QuoteVerifier? _simulatedWithoutRevocation;
    private readonly ConcurrentDictionary<CollateralKey, QuoteCollateral> _collateral = new();
    private readonly ConcurrentDictionary<string, AppraisalPolicy> _policies = new(StringComparer.Ordinal);

    /// <summary>Creates the verifier.</summary>
    /// <param name="options">Simulated root, seed collateral; <see langword="null"/> for Intel-rooted evidence only and an empty cache.</param>
    /// <param name="timeProvider">"Now" for expiry checks; the system clock by default.</param>
    /// <exception cref="AttestationFormatException">The simulated root or a seed bundle is malformed, or a seed bundle has no TCB Info.</exception>
    public DcapEvidenceVerifier(DcapEvidenceVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new DcapEvidenceVerifierOptions();
        _intel = new QuoteVerifier(new QuoteVerifierOptions { Strict = options.Strict }, timeProvider);
        _intelWithoutRevocation = new QuoteVerifier(new QuoteVerifierOptions { Strict = options.Strict, RequireRevocation = false }, timeProvider);
        if (options.SimulatedRootCertificate is { } root)
        {
            _simulated = new QuoteVerifier(new QuoteVerifierOptions { TrustedRootCertificate = root, Strict = options.Strict }, timeProvider);
            _simulatedWithoutRevocation = new QuoteVerifier(
                new QuoteVerifierOptions { TrustedRootCertificate = root, Strict = options.Strict, RequireRevocation = false }, timeProvider);
            SimulatedPlatformSource = options.SimulatedPlatformSource ?? "(given root certificate)";
        }

        for (int i = 0; i < options.Collateral.Count; i++)
        {
            string input = $"seed collateral {i + 1}";
            QuoteCollateral collateral = QuoteCollateral.ParseBundleJson(options.Collateral[i].Span, input);
            if (collateral.TcbInfo is not { } tcbInfo)
            {
                throw new AttestationFormatException($"{input}: the bundle has no tcb_info, so it cannot be matched to a platform (FMSPC).", "tcb_info", null);
            }

            bool simulated = _simulated is not null && collateral.TcbInfoIssuerChain is { } chain
                && chain.Certificates.Any(c => c.Span.SequenceEqual(_simulated.TrustedRootCertificate.Span));
            Remember(new CollateralKey(simulated, tcbInfo.TcbInfo.IsTdx, Convert.ToHexStringLower(tcbInfo.TcbInfo.Fmspc.Span)), collateral);
        }
    }

    /// <summary>Whether quotes of a simulated platform are accepted (as <c>"tee": "simulation"</c>).</summary>
    public bool AcceptsSimulatedEvidence => _simulated is not null;

    /// <summary>Where the accepted simulated platform came from, when <see cref="AcceptsSimulatedEvidence"/>.</summary>
    public string? SimulatedPlatformSource { get; }

    /// <summary>How many collateral sets are cached (by trust anchor, TEE type and FMSPC).</summary>
    public int CachedCollateralCount => _collateral.Count;

    /// <summary>
    /// A verifier that also accepts the simulated platform saved in <paramref name="directory"/> (<c>ppml init</c>'s
    /// <c>attestation/platform</c>): its root CA, and its SGX and TDX collateral as cache seeds. No private key is read.
    /// </summary>
    /// <param name="directory">The saved simulated platform.</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <param name="collateral">More collateral bundles to seed the cache with (e.g. Intel's, for real platforms).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="FileNotFoundException">A platform file is missing.</exception>
    /// <exception cref="AttestationFormatException">A platform file or bundle is malformed.</exception>
    public static async Task<DcapEvidenceVerifier> ForSimulatedPlatformAsync(
        string directory, TimeProvider? timeProvider = null, IReadOnlyList<ReadOnlyMemory<byte>>? collateral = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        async Task<byte[]> Read(string name)
        {
            string path = Path.Combine(directory, name);
            if (!System.IO.File.Exists(path))
            {
                throw new FileNotFoundException($"Simulated platform file '{path}' is missing; create the platform with 'ppml attest sim-platform --out {directory}'.", path);
            }

            // The simulated root certificate is the trust anchor of every simulated quote: refused when others can write it.
            return await SecretFiles.ReadAllBytesAsync(path, SecretFileKind.TrustAnchor, cancellationToken).ConfigureAwait(false);
        }

        return new DcapEvidenceVerifier(
            new DcapEvidenceVerifierOptions
            {
                SimulatedRootCertificate = await Read(SimulatedPlatformFiles.RootCertificate).ConfigureAwait(false),
                SimulatedPlatformSource = Path.GetFullPath(directory),
                Collateral =
                [
                    await Read(SimulatedPlatformFiles.SgxCollateral).ConfigureAwait(false),
                    await Read(SimulatedPlatformFiles.TdxCollateral).ConfigureAwait(false),
                    .. collateral ?? [],
                ],
            },
            timeProvider);
    }

    /// <inheritdoc />
    public string? ValidatePolicy(string policyJson)
    {
        try
        {
            ParsePolicy(policyJson);
            return null;
        }
        catch (AttestationFormatException exception)
        {
            return exception.Message;
        }
    }

    /// <inheritdoc />
    public Task<EvidenceVerdict> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte>? collateral, string policyJson, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AppraisalPolicy policy = ParsePolicy(policyJson);
        Quote quote = Quote.Parse(evidence.Span);
        QuoteCollateral? sent = collateral is { Length: > 0 } bytes ? QuoteCollateral.ParseBundleJson(bytes.Span, "collateral") : null;

        QuotePlatform platform = QuotePlatform.Read(quote);
        bool simulated = _simulated is not null && platform.Contains(_simulated.TrustedRootCertificate.Span);
        QuoteVerifier verifier = (simulated, policy.RequireRevocationCheck) switch
        {
            (true, true) => _simulated!,
            (true, false) => _simulatedWithoutRevocation!,
            (false, true) => _intel,
            (false, false) => _intelWithoutRevocation,
        };
        string tee = simulated ? TeeKinds.Simulation : quote.Tee == TeeType.Tdx ? TeeKinds.Tdx : TeeKinds.Sgx;
        string quoteKind = quote.Tee == TeeType.Tdx ? "TDX" : "SGX";
        var key = new CollateralKey(simulated, quote.Tee == TeeType.Tdx, platform.FmspcHex ?? string.Empty);

        QuoteCollateral? used = sent;
        if (used is null && (platform.FmspcHex is null || !_collateral.TryGetValue(key, out used)))
        {
            return Task.FromResult(EvidenceVerdict.Rejected(
                tee,
                $"no collateral was sent and none is cached for this {quoteKind} platform (FMSPC {platform.FmspcHex ?? "unknown"}); " +
                "send the collateral bundle (TCB Info, QE Identity, CRLs) with the evidence"));
        }

        if (used.TcbInfo is null || used.QeIdentity is null)
        {
            return Task.FromResult(EvidenceVerdict.Rejected(
                tee, $"the collateral has no {(used.TcbInfo is null ? "TCB Info" : "QE Identity")}, so the platform's TCB status cannot be established; send a complete bundle"));
        }

        QuoteVerificationResult result = verifier.Verify(quote, used);
        if (!result.Valid)
        {
            return Task.FromResult(EvidenceVerdict.Rejected(tee, DescribeFailure(result, platform, quoteKind)));
        }

        // Only complete collateral is cached: a bundle without CRLs, accepted under a policy that turned revocation off,
        // must not replace what requests under the default (revocation required) rely on.
        if (sent is not null && sent.TcbInfo is not null && sent.RootCaCrl is not null && sent.PckCrl is not null && platform.FmspcHex is not null)
        {
            Remember(key, sent);
        }

        if (result.TcbStatus is null)
        {
            return Task.FromResult(EvidenceVerdict.Rejected(
                tee, $"the TCB status could not be determined: the collateral has no TCB Info for FMSPC {platform.FmspcHex ?? "unknown"}"));
        }

        PolicyOutcome outcome = policy.Evaluate(result);
        if (!outcome.Accepted)
        {
            string reasons = string.Join("; ", outcome.Reasons);
            if (result.CollateralExpired)
            {
                reasons += " (send fresh collateral from Intel PCS or your PCCS)";
            }

            return Task.FromResult(EvidenceVerdict.Rejected(tee, reasons));
        }

        return Task.FromResult(new EvidenceVerdict
        {
            IsAccepted = true,
            Tee = tee,
            MrEnclave = result.MrEnclave,
            MrSigner = result.MrSigner,
            IsvProdId = result.IsvProdId,
            IsvSvn = result.IsvSvn,
            MrTd = result.MrTd,
            Rtmrs = result.MrTd is null ? null : [result.Rtmr0!, result.Rtmr1!, result.Rtmr2!, result.Rtmr3!],
            TcbStatus = result.TcbStatus.Value.ToString(),
            AdvisoryIds = result.AdvisoryIds ?? [],
            RevocationChecked = result.RevocationChecked,
            ReportData = quote.ReportData.ToArray(),
        });
    }

    private string DescribeFailure(QuoteVerificationResult result, QuotePlatform platform, string quoteKind)
    {
        string reason = $"the {quoteKind} quote does not verify ({result.Error?.Code ?? result.Status.ToQvlName()}: {result.Error?.Message ?? "no detail"})";
        if (result.Status == QvlStatus.SgxPckCertChainUntrusted)
        {
            reason += _simulated is null
                ? "; this server trusts only the Intel SGX Root CA (simulated evidence is accepted only when the operator configures a simulated platform, e.g. 'ppml kms serve --simulated-platform DIR')"
                : "; this server trusts the Intel SGX Root CA and one simulated platform, and the quote chains to neither";
        }

        return reason;
    }

    /// <summary>Keeps the newest collateral per key (by TCB Info issue date), within the cap.</summary>
    private void Remember(CollateralKey key, QuoteCollateral collateral)
    {
        if (_collateral.Count >= MaxCachedCollateral && !_collateral.ContainsKey(key))
        {
            return;
        }

        _collateral.AddOrUpdate(
            key,
            collateral,
            (_, cached) => cached.TcbInfo is null || collateral.TcbInfo!.TcbInfo.IssueDate >= cached.TcbInfo.TcbInfo.IssueDate ? collateral : cached);
    }

    private AppraisalPolicy ParsePolicy(string policyJson)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        if (_policies.TryGetValue(policyJson, out AppraisalPolicy? cached))
        {
            return cached;
        }

        AppraisalPolicy policy = AppraisalPolicy.Parse(Encoding.UTF8.GetBytes(policyJson), "policy");
        if (_policies.Count >= MaxCachedPolicies)
        {
            _policies.Clear();
        }

        _policies[policyJson] = policy;
        return policy;
    }

    /// <summary>Collateral applies to one platform family (FMSPC) of one TEE type, under one trust anchor.</summary>
    private readonly record struct CollateralKey(bool Simulated, bool Tdx, string FmspcHex);
}
