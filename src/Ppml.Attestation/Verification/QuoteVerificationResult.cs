using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ppml.Attestation.Policy;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Verification;

/// <summary>
/// The outcome of verifying one quote. It serializes (see <see cref="ToJson"/>) to a single camelCase JSON object;
/// fields that do not apply are omitted.
/// </summary>
public sealed record QuoteVerificationResult
{
    /// <summary>
    /// True when the quote is authentic (every signature and chain checks out) and a non-terminal TCB status was
    /// determined, as Intel's <c>sgx_qv_verify_quote</c> returning <c>SGX_QL_SUCCESS</c>. Policy is separate.
    /// </summary>
    public required bool Valid { get; init; }

    /// <summary><c>SGX</c> or <c>TDX</c>, when the quote parsed.</summary>
    public string? Tee { get; init; }

    /// <summary>Quote format version, when the quote parsed.</summary>
    public int? QuoteVersion { get; init; }

    /// <summary>The merged TCB status, when one was determined.</summary>
    public TcbStatus? TcbStatus { get; init; }

    /// <summary>Intel security advisories of the matched TCB levels (platform, TDX module, QE), when a status was determined.</summary>
    public IReadOnlyList<string>? AdvisoryIds { get; init; }

    /// <summary>
    /// True when any certificate, CRL, TCB Info or QE Identity used had expired at the verification time. Not fatal
    /// (as in Intel's API, <c>collateral_expiration_status</c>) unless the verifier is strict.
    /// </summary>
    public required bool CollateralExpired { get; init; }

    /// <summary>
    /// True when both the root CA CRL and the PCK CA CRL were given and checked. False only when the verifier's
    /// revocation requirement was turned off (<see cref="QuoteVerifierOptions.RequireRevocation"/>) or the result is
    /// invalid; <see cref="Notes"/> then says what was missing.
    /// </summary>
    public required bool RevocationChecked { get; init; }

    /// <summary>SGX: MRENCLAVE (lowercase hex).</summary>
    public string? MrEnclave { get; init; }

    /// <summary>SGX: MRSIGNER (lowercase hex).</summary>
    public string? MrSigner { get; init; }

    /// <summary>SGX: ISVPRODID.</summary>
    public int? IsvProdId { get; init; }

    /// <summary>SGX: ISVSVN.</summary>
    public int? IsvSvn { get; init; }

    /// <summary>TDX: MRTD (lowercase hex).</summary>
    public string? MrTd { get; init; }

    /// <summary>TDX: RTMR0 (lowercase hex).</summary>
    public string? Rtmr0 { get; init; }

    /// <summary>TDX: RTMR1 (lowercase hex).</summary>
    public string? Rtmr1 { get; init; }

    /// <summary>TDX: RTMR2 (lowercase hex).</summary>
    public string? Rtmr2 { get; init; }

    /// <summary>TDX: RTMR3 (lowercase hex).</summary>
    public string? Rtmr3 { get; init; }

    /// <summary>REPORTDATA (64 bytes, lowercase hex).</summary>
    public string? ReportData { get; init; }

    /// <summary>The policy appraisal, when a policy was given.</summary>
    public PolicyOutcome? Policy { get; init; }

    /// <summary>Why verification failed; <see langword="null"/> when <see cref="Valid"/>.</summary>
    public VerificationError? Error { get; init; }

    /// <summary>The final QVL status: a TCB status when valid, else the failure.</summary>
    [JsonIgnore]
    public QvlStatus Status { get; init; }

    /// <summary>The parsed quote, when it parsed.</summary>
    [JsonIgnore]
    public Quote? Quote { get; init; }

    /// <summary>Every expired piece of collateral.</summary>
    [JsonIgnore]
    public IReadOnlyList<ExpiredCollateral> ExpiredCollateral { get; init; } = [];

    /// <summary>Checks that could not be made for lack of collateral (for people; not part of the JSON).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when <see cref="Valid"/> and, if a policy was given, it accepted the quote.</summary>
    [JsonIgnore]
    public bool IsAccepted => Valid && (Policy?.Accepted ?? true);

    /// <summary>The result as one indented JSON object (camelCase, nulls omitted).</summary>
    /// <returns>JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<QuoteVerificationResult>)AttestationJson.Output.GetTypeInfo(typeof(QuoteVerificationResult)));

    /// <summary>A short human-readable summary, one fact per line.</summary>
    /// <returns>Text.</returns>
    public string ToDisplayString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"verdict:            {(IsAccepted ? "ACCEPTED" : Valid ? "VALID, REJECTED BY POLICY" : "INVALID")}");
        if (Tee is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"tee:                {Tee} (quote v{QuoteVersion})");
        }

        if (TcbStatus is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"tcb status:         {TcbStatus}");
            text.AppendLine(CultureInfo.InvariantCulture, $"advisories:         {(AdvisoryIds is { Count: > 0 } ? string.Join(", ", AdvisoryIds) : "none")}");
        }

        if (Error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"error:              {Error.Code}: {Error.Message}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"collateral expired: {(CollateralExpired ? "yes" : "no")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"revocation checked: {(RevocationChecked ? "yes" : "no (root CA CRL and PCK CRL not both given; see the notes)")}");
        AppendIfSet(text, "mrenclave", MrEnclave);
        AppendIfSet(text, "mrsigner", MrSigner);
        AppendIfSet(text, "isvprodid", IsvProdId?.ToString(CultureInfo.InvariantCulture));
        AppendIfSet(text, "isvsvn", IsvSvn?.ToString(CultureInfo.InvariantCulture));
        AppendIfSet(text, "mrtd", MrTd);
        AppendIfSet(text, "rtmr0", Rtmr0);
        AppendIfSet(text, "rtmr1", Rtmr1);
        AppendIfSet(text, "rtmr2", Rtmr2);
        AppendIfSet(text, "rtmr3", Rtmr3);
        AppendIfSet(text, "report data", ReportData);
        foreach (ExpiredCollateral expired in ExpiredCollateral)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"expired:            {expired.Description}");
        }

        foreach (string note in Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"note:               {note}");
        }

        if (Policy is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"policy:             {(Policy.Accepted ? "accepted" : "rejected")}");
            foreach (string reason in Policy.Reasons)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {reason}");
            }
        }

        return text.ToString();
    }

    private static void AppendIfSet(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label + ":",-20}{value}");
        }
    }
}
