using System.Globalization;
using System.Text.Json;
using Ppml.Attestation.Internal;
using Ppml.Attestation.Quotes;
using Ppml.Attestation.Verification;

namespace Ppml.Attestation.Policy;

/// <summary>
/// What a relying party (the KMS, a cluster) accepts from a verified quote: which enclave or TD, which TCB statuses
/// and advisories, which report data. Loaded from JSON (see <c>docs/attestation.md</c>); unknown fields are
/// rejected so that a typo cannot silently weaken a policy.
/// </summary>
public sealed record AppraisalPolicy
{
    /// <summary>Rules for SGX quotes; <see langword="null"/> refuses every SGX quote.</summary>
    public SgxPolicy? Sgx { get; init; }

    /// <summary>Rules for TDX quotes; <see langword="null"/> refuses every TDX quote.</summary>
    public TdxPolicy? Tdx { get; init; }

    /// <summary>Accepted TCB statuses. <value>Default: UpToDate only.</value></summary>
    public IReadOnlyList<TcbStatus> AllowedTcbStatuses { get; init; } = [TcbStatus.UpToDate];

    /// <summary>When set, every advisory ID of the result must be in this list. <value>Default: any advisory.</value></summary>
    public IReadOnlyList<string>? AllowedAdvisoryIds { get; init; }

    /// <summary>
    /// Expected REPORTDATA (up to 64 bytes); a shorter value must be followed by zeros in the quote.
    /// <value>Default: not checked.</value>
    /// </summary>
    public ReadOnlyMemory<byte>? ReportData { get; init; }

    /// <summary>Accept results whose collateral had expired. <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowExpiredCollateral { get; init; }

    /// <summary>
    /// Require revocation to have been checked (both the root CA CRL and the PCK CRL given and checked). JSON
    /// <c>"requireRevocationCheck": false</c> is the explicit switch that accepts quotes verified without them; the
    /// result still says <c>revocationChecked: false</c>. <value>Default: <see langword="true"/>.</value>
    /// </summary>
    public bool RequireRevocationCheck { get; init; } = true;

    /// <summary>Parses a policy from JSON.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <param name="input">Names the input in error messages.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AttestationFormatException">The JSON is not a valid policy; the message names the field.</exception>
    public static AppraisalPolicy Parse(ReadOnlySpan<byte> json, string input = "policy")
    {
        byte[] copy = json.ToArray();
        return JsonReading.Guard(input, () => ParseCore(copy, input));
    }

    private static AppraisalPolicy ParseCore(byte[] json, string input)
    {
        // JsonReading refuses duplicate members too, but the runtime's message shortens long names; name it in full, since
        // two "allowExpiredCollateral" could mean one thing to this parser and another to the next.
        if (FindDuplicateMember(json) is { } duplicate)
        {
            throw JsonReading.Error(input, duplicate, "appears twice in one object; a policy states each field once");
        }

        using JsonDocument document = JsonReading.Parse(json, input);
        JsonElement root = document.RootElement;
        Expect(root, JsonValueKind.Object, input, "$");
        OnlyKnown(root, input, "$", "sgx", "tdx", "allowedTcbStatuses", "allowedAdvisoryIds", "reportData", "allowExpiredCollateral", "requireRevocationCheck");

        IReadOnlyList<TcbStatus> statuses = [TcbStatus.UpToDate];
        if (root.TryGetProperty("allowedTcbStatuses", out JsonElement statusArray))
        {
            var list = new List<TcbStatus>();
            foreach (string name in Strings(statusArray, input, "allowedTcbStatuses"))
            {
                if (!Enum.TryParse(name, ignoreCase: false, out TcbStatus status) || !Enum.IsDefined(status) || int.TryParse(name, out _))
                {
                    throw JsonReading.Error(input, "allowedTcbStatuses", $"contains '{name}', which is not a TCB status ({string.Join(", ", Enum.GetNames<TcbStatus>())})");
                }

                list.Add(status);
            }

            statuses = list;
        }

        byte[]? reportData = null;
        if (root.TryGetProperty("reportData", out JsonElement reportDataElement))
        {
            string text = Expect(reportDataElement, JsonValueKind.String, input, "reportData").GetString()!;
            if (!Hex.TryDecode(text, out reportData) || reportData.Length is 0 or > 64)
            {
                throw JsonReading.Error(input, "reportData", "must be 1 to 64 bytes of hex");
            }
        }

        return new AppraisalPolicy
        {
            Sgx = root.TryGetProperty("sgx", out JsonElement sgx) ? SgxPolicy.Parse(sgx, input) : null,
            Tdx = root.TryGetProperty("tdx", out JsonElement tdx) ? TdxPolicy.Parse(tdx, input) : null,
            AllowedTcbStatuses = statuses,
            AllowedAdvisoryIds = root.TryGetProperty("allowedAdvisoryIds", out JsonElement advisories) ? Strings(advisories, input, "allowedAdvisoryIds") : null,
            // Not "reportData is null ? null : ...": null converts implicitly to an empty, non-null ReadOnlyMemory.
            ReportData = reportData is null ? default(ReadOnlyMemory<byte>?) : reportData,
            AllowExpiredCollateral = Bool(root, "allowExpiredCollateral", false, input),
            RequireRevocationCheck = Bool(root, "requireRevocationCheck", true, input),
        };
    }

    /// <summary>Appraises <paramref name="result"/> and lists every rule it breaks.</summary>
    /// <param name="result">A verification result (with its parsed quote).</param>
    /// <returns>Accepted, or rejected with every reason.</returns>
    public PolicyOutcome Evaluate(QuoteVerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var reasons = new List<string>();
        if (!result.Valid)
        {
            reasons.Add($"the quote did not verify ({result.Error?.Code ?? "unknown error"})");
        }

        Quote? quote = result.Quote;
        if (quote is null)
        {
            reasons.Add("no parsed quote to appraise");
            return new PolicyOutcome { Accepted = false, Reasons = reasons };
        }

        if (quote.EnclaveReport is { } enclave)
        {
            if (Sgx is null)
            {
                reasons.Add("the policy allows no SGX enclave (it has no \"sgx\" section)");
            }
            else
            {
                Sgx.Appraise(enclave, reasons);
            }
        }
        else if (quote.TdReport is { } td)
        {
            if (Tdx is null)
            {
                reasons.Add("the policy allows no TDX trust domain (it has no \"tdx\" section)");
            }
            else
            {
                Tdx.Appraise(td, reasons);
            }
        }

        if (result.TcbStatus is { } tcbStatus && !AllowedTcbStatuses.Contains(tcbStatus))
        {
            reasons.Add($"TCB status {tcbStatus} is not allowed (allowed: {string.Join(", ", AllowedTcbStatuses)})");
        }

        if (AllowedAdvisoryIds is not null && result.AdvisoryIds is not null)
        {
            string[] unexpected = result.AdvisoryIds.Where(a => !AllowedAdvisoryIds.Contains(a, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (unexpected.Length > 0)
            {
                reasons.Add($"advisories {string.Join(", ", unexpected)} are not in allowedAdvisoryIds");
            }
        }

        if (ReportData is { } expected)
        {
            ReadOnlySpan<byte> actual = quote.ReportData.Span;
            if (!actual[..expected.Length].SequenceEqual(expected.Span) || actual[expected.Length..].ContainsAnyExcept((byte)0))
            {
                reasons.Add($"report data {Hex.Lower(actual)} is not the expected {Hex.Lower(expected.Span)} (zero-padded to 64 bytes)");
            }
        }

        if (result.CollateralExpired && !AllowExpiredCollateral)
        {
            reasons.Add("collateral had expired at the verification time (set allowExpiredCollateral to accept)");
        }

        if (RequireRevocationCheck && !result.RevocationChecked)
        {
            reasons.Add("revocation was not checked: the root CA CRL and the PCK CRL are required (set requireRevocationCheck to false to accept without them)");
        }

        return new PolicyOutcome { Accepted = reasons.Count == 0, Reasons = reasons };
    }

    /// <summary>The path of the first member that appears twice in one object, or <see langword="null"/> (also for text that is not JSON, which the parser reports).</summary>
    internal static string? FindDuplicateMember(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonReading.DocumentOptions.MaxDepth });
        var scopes = new Stack<(string Path, HashSet<string>? Members)>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        string path = scopes.Count == 0 ? string.Empty
                            : scopes.Peek().Members is null ? scopes.Peek().Path + "[]"
                            : scopes.Peek().Path.Length == 0 ? pending! : $"{scopes.Peek().Path}.{pending}";
                        scopes.Push((path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        pending = reader.GetString()!;
                        (string parent, HashSet<string>? members) = scopes.Peek();
                        if (!members!.Add(pending))
                        {
                            return parent.Length == 0 ? pending : $"{parent}.{pending}";
                        }

                        break;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }

        return null;
    }

    internal static JsonElement Expect(JsonElement element, JsonValueKind kind, string input, string path)
    {
        if (element.ValueKind != kind)
        {
            throw JsonReading.Error(input, path, $"must be {kind.ToString().ToLowerInvariant()}, found {element.ValueKind}");
        }

        return element;
    }

    internal static void OnlyKnown(JsonElement element, string input, string path, params string[] known)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw JsonReading.Error(input, path == "$" ? property.Name : $"{path}.{property.Name}",
                    $"is not a policy field (known here: {string.Join(", ", known)})");
            }
        }
    }

    internal static bool Bool(JsonElement parent, string name, bool fallback, string input)
    {
        if (!parent.TryGetProperty(name, out JsonElement value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw JsonReading.Error(input, name, $"must be true or false, found {value.ValueKind}"),
        };
    }

    /// <summary>A string or an array of strings.</summary>
    internal static IReadOnlyList<string> Strings(JsonElement element, string input, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return [element.GetString()!];
        }

        Expect(element, JsonValueKind.Array, input, path);
        var list = new List<string>();
        foreach (JsonElement item in element.EnumerateArray())
        {
            list.Add(Expect(item, JsonValueKind.String, input, $"{path}[{list.Count}]").GetString()!);
        }

        return list;
    }

    /// <summary>Hex measurements of <paramref name="length"/> bytes (a string or an array).</summary>
    internal static IReadOnlyList<byte[]> Measurements(JsonElement parent, string name, int length, string input, string path)
    {
        if (!parent.TryGetProperty(name, out JsonElement element))
        {
            return [];
        }

        return Strings(element, input, $"{path}.{name}")
            .Select((text, i) => Hex.DecodeExact(text, length, input, string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{i}]")))
            .ToArray();
    }
}
