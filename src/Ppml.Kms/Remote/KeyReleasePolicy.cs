namespace Ppml.Kms.Remote;

/// <summary>
/// A primary key's release policy: data keys under it are released only to a TEE whose attestation token satisfies
/// every rule, and only encrypted to that TEE's runtime key. Empty lists mean "any".
/// </summary>
public sealed record KeyReleasePolicy
{
    /// <summary>The attestation policy the token must have been issued under; <see langword="null"/> accepts any registered policy.</summary>
    public string? PolicyId { get; init; }

    /// <summary>TEE kinds accepted ("sgx", "tdx"). <value>Default: sgx and tdx.</value></summary>
    public IReadOnlyList<string> AllowedTee { get; init; } = ["sgx", "tdx"];

    /// <summary>Whether tokens for simulated evidence are accepted. <value>Default: false.</value></summary>
    public bool AllowSimulation { get; init; }

    /// <summary>Accepted SGX MRENCLAVE values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrEnclave { get; init; } = [];

    /// <summary>Accepted SGX MRSIGNER values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrSigner { get; init; } = [];

    /// <summary>Required SGX ISVPRODID, if any.</summary>
    public int? IsvProdId { get; init; }

    /// <summary>Minimum SGX ISVSVN, if any.</summary>
    public int? MinIsvSvn { get; init; }

    /// <summary>Accepted TDX MRTD values (hex); empty accepts any.</summary>
    public IReadOnlyList<string> MrTd { get; init; } = [];

    /// <summary>Accepted TCB statuses. <value>Default: UpToDate only.</value></summary>
    public IReadOnlyList<string> AllowedTcbStatus { get; init; } = ["UpToDate"];
}
