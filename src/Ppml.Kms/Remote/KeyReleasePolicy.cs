namespace Ppml.Kms.Remote;

/// <summary>
/// A primary key's release policy: data keys under it are released only to a TEE whose attestation token satisfies
/// every rule, and only encrypted to that TEE's runtime key. Empty lists mean "any".
/// </summary>
public sealed record KeyReleasePolicy
{
    // The list properties coalesce null to their defaults: System.Text.Json's source generator initializes init-only
    // properties missing from the JSON with null instead of their initializers (a policy file that omits "allowedTee"
    // must mean the documented default, not crash the server).
    private readonly IReadOnlyList<string> _allowedTee = ["sgx", "tdx"];
    private readonly IReadOnlyList<string> _mrEnclave = [];
    private readonly IReadOnlyList<string> _mrSigner = [];
    private readonly IReadOnlyList<string> _mrTd = [];
    private readonly IReadOnlyList<string> _allowedTcbStatus = ["UpToDate"];

    /// <summary>The attestation policy the token must have been issued under; <see langword="null"/> accepts any registered policy.</summary>
    public string? PolicyId { get; init; }

    /// <summary>TEE kinds accepted ("sgx", "tdx"). <value>Default: sgx and tdx.</value></summary>
    public IReadOnlyList<string> AllowedTee { get => _allowedTee; init => _allowedTee = value ?? ["sgx", "tdx"]; }

    /// <summary>Whether tokens for simulated evidence are accepted. <value>Default: false.</value></summary>
    public bool AllowSimulation { get; init; }

    /// <summary>Accepted SGX MRENCLAVE values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrEnclave { get => _mrEnclave; init => _mrEnclave = value ?? []; }

    /// <summary>Accepted SGX MRSIGNER values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrSigner { get => _mrSigner; init => _mrSigner = value ?? []; }

    /// <summary>Required SGX ISVPRODID, if any.</summary>
    public int? IsvProdId { get; init; }

    /// <summary>Minimum SGX ISVSVN, if any.</summary>
    public int? MinIsvSvn { get; init; }

    /// <summary>Accepted TDX MRTD values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrTd { get => _mrTd; init => _mrTd = value ?? []; }

    /// <summary>Accepted TCB statuses. <value>Default: UpToDate only.</value></summary>
    public IReadOnlyList<string> AllowedTcbStatus { get => _allowedTcbStatus; init => _allowedTcbStatus = value ?? ["UpToDate"]; }
}
