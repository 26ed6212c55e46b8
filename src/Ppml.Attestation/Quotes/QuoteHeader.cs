namespace Ppml.Attestation.Quotes;

/// <summary>The 48-byte quote header.</summary>
public sealed record QuoteHeader
{
    /// <summary>The length of the header in bytes.</summary>
    public const int Size = 48;

    /// <summary>Intel's QE vendor ID (939A7233-F79C-4CA9-940A-0DB3957F0607).</summary>
    public static ReadOnlySpan<byte> IntelQeVendorId =>
        [0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, 0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07];

    /// <summary>Quote format version: 3 (SGX), 4 (TDX) or 5.</summary>
    public required int Version { get; init; }

    /// <summary>Attestation key type: 2 is ECDSA-256 with P-256, the only type Intel's QE produces.</summary>
    public required int AttestationKeyType { get; init; }

    /// <summary>Raw TEE type (0 SGX, 0x81 TDX).</summary>
    public required uint TeeTypeValue { get; init; }

    /// <summary>QE security version (quote v3; reserved in v4).</summary>
    public required int QeSvn { get; init; }

    /// <summary>PCE security version (quote v3; reserved in v4).</summary>
    public required int PceSvn { get; init; }

    /// <summary>QE vendor ID (16 bytes).</summary>
    public required ReadOnlyMemory<byte> QeVendorId { get; init; }

    /// <summary>User data (20 bytes; Intel's QE puts the QE identity hash prefix here).</summary>
    public required ReadOnlyMemory<byte> UserData { get; init; }

    /// <summary>The TEE type, or <see langword="null"/> when it is neither SGX nor TDX.</summary>
    public TeeType? TeeType => TeeTypeValue switch
    {
        (uint)Quotes.TeeType.Sgx => Quotes.TeeType.Sgx,
        (uint)Quotes.TeeType.Tdx => Quotes.TeeType.Tdx,
        _ => null,
    };
}
