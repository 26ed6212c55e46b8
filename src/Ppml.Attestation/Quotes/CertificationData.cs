namespace Ppml.Attestation.Quotes;

/// <summary>QE certification data: how the quote identifies the PCK certificate (type 5: the PEM PCK chain).</summary>
public sealed record CertificationData
{
    /// <summary>Raw type value (1 to 5 inside a valid quote).</summary>
    public required int TypeValue { get; init; }

    /// <summary>The data bytes (for type 5, PEM certificates, usually ending with a NUL).</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Byte offset of the data in the quote.</summary>
    public required int Offset { get; init; }

    /// <summary>The type, when it is one Intel defines.</summary>
    public CertificationDataType? Type => TypeValue is >= 1 and <= 6 ? (CertificationDataType)TypeValue : null;
}
