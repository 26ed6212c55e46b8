using System.Text.Json;
using Ppml.Attestation.Internal;
using Ppml.Attestation.Quotes;

namespace Ppml.Attestation.Policy;

/// <summary>TDX rules: accepted MRTD and RTMR values, debug and SEPT_VE_DISABLE.</summary>
public sealed record TdxPolicy
{
    /// <summary>Accepted MRTD values (48 bytes each); empty accepts any.</summary>
    public IReadOnlyList<byte[]> MrTd { get; init; } = [];

    /// <summary>Accepted values of RTMR0..RTMR3 (48 bytes each); an empty list accepts any value of that register.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> Rtmrs { get; init; } = [[], [], [], []];

    /// <summary>Accept debug TDs (TDATTRIBUTES.DEBUG). <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowDebug { get; init; }

    /// <summary>Require TDATTRIBUTES.SEPT_VE_DISABLE. <value>Default: <see langword="true"/>.</value></summary>
    public bool RequireSeptVeDisable { get; init; } = true;

    internal static TdxPolicy Parse(JsonElement element, string input)
    {
        AppraisalPolicy.Expect(element, JsonValueKind.Object, input, "tdx");
        AppraisalPolicy.OnlyKnown(element, input, "tdx", "mrTd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "allowDebug", "requireSeptVeDisable");
        return new TdxPolicy
        {
            MrTd = AppraisalPolicy.Measurements(element, "mrTd", 48, input, "tdx"),
            Rtmrs = Enumerable.Range(0, 4).Select(i => AppraisalPolicy.Measurements(element, $"rtmr{i}", 48, input, "tdx")).ToArray(),
            AllowDebug = AppraisalPolicy.Bool(element, "allowDebug", false, input),
            RequireSeptVeDisable = AppraisalPolicy.Bool(element, "requireSeptVeDisable", true, input),
        };
    }

    internal void Appraise(TdReport report, List<string> reasons)
    {
        if (MrTd.Count == 0 && Rtmrs.All(r => r.Count == 0))
        {
            reasons.Add("the \"tdx\" section pins no MRTD and no RTMR, so no trust domain can match");
        }

        if (MrTd.Count > 0 && !MrTd.Any(m => report.MrTd.Span.SequenceEqual(m)))
        {
            reasons.Add($"MRTD {Hex.Lower(report.MrTd.Span)} is not an allowed value");
        }

        for (int i = 0; i < 4; i++)
        {
            ReadOnlyMemory<byte> rtmr = report.GetRtmr(i);
            if (Rtmrs[i].Count > 0 && !Rtmrs[i].Any(m => rtmr.Span.SequenceEqual(m)))
            {
                reasons.Add($"RTMR{i} {Hex.Lower(rtmr.Span)} is not an allowed value");
            }
        }

        if (report.IsDebug && !AllowDebug)
        {
            reasons.Add("the trust domain is a debug TD (TDATTRIBUTES.DEBUG set) and the policy does not allow debug");
        }

        if (RequireSeptVeDisable && !report.IsSeptVeDisabled)
        {
            reasons.Add("TDATTRIBUTES.SEPT_VE_DISABLE is not set, which the policy requires");
        }
    }
}
