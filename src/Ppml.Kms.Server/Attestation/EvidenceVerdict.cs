namespace Ppml.Kms.Server.Attestation;

/// <summary>What an <see cref="IEvidenceVerifier"/> found: the measured identity, TCB status and report data, or why it refused.</summary>
public sealed record EvidenceVerdict
{
    /// <summary>Whether the evidence is authentic and satisfies the policy.</summary>
    public required bool IsAccepted { get; init; }

    /// <summary>Why it was refused (one line, no evidence bytes); <see langword="null"/> when accepted.</summary>
    public string? Reason { get; init; }

    /// <summary>"sgx", "tdx" or "simulation" (<see cref="TeeKinds"/>).</summary>
    public required string Tee { get; init; }

    /// <summary>SGX MRENCLAVE (lowercase hex).</summary>
    public string? MrEnclave { get; init; }

    /// <summary>SGX MRSIGNER (lowercase hex).</summary>
    public string? MrSigner { get; init; }

    /// <summary>SGX ISVPRODID.</summary>
    public int? IsvProdId { get; init; }

    /// <summary>SGX ISVSVN.</summary>
    public int? IsvSvn { get; init; }

    /// <summary>TDX MRTD (lowercase hex).</summary>
    public string? MrTd { get; init; }

    /// <summary>TDX RTMR0-3 (lowercase hex), when present.</summary>
    public IReadOnlyList<string>? Rtmrs { get; init; }

    /// <summary>The TCB status (e.g. "UpToDate", "SWHardeningNeeded").</summary>
    public string TcbStatus { get; init; } = "Unknown";

    /// <summary>Intel security advisories that apply.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; init; } = [];

    /// <summary>
    /// Whether revocation (root CA CRL and PCK CRL) was checked; <see langword="false"/> only when the key's policy
    /// turned the requirement off (<c>"requireRevocationCheck": false</c>) and CRLs were missing; <see langword="null"/>
    /// when the verifier does not say. Carried into the token as <c>revocation_checked</c>.
    /// </summary>
    public bool? RevocationChecked { get; init; }

    /// <summary>The quote's 64-byte REPORTDATA.</summary>
    public ReadOnlyMemory<byte> ReportData { get; init; }

    /// <summary>A refusal.</summary>
    /// <param name="tee">The TEE kind, if known.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The verdict.</returns>
    public static EvidenceVerdict Rejected(string tee, string reason) => new() { IsAccepted = false, Tee = tee, Reason = reason };
}
