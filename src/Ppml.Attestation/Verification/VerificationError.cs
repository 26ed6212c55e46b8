using System.Text.Json.Serialization;

namespace Ppml.Attestation.Verification;

/// <summary>Why a quote failed verification: Intel's QVL status name and a one-line explanation.</summary>
public sealed record VerificationError
{
    /// <summary>Intel's QVL status name, for example <c>STATUS_INVALID_QUOTE_SIGNATURE</c>.</summary>
    public required string Code { get; init; }

    /// <summary>What failed, on which input, and what to do about it.</summary>
    public required string Message { get; init; }

    /// <summary>The status as an enum.</summary>
    [JsonIgnore]
    public QvlStatus Status { get; init; }

    /// <summary>Creates an error for <paramref name="status"/>.</summary>
    /// <param name="status">The QVL status.</param>
    /// <param name="message">The explanation.</param>
    /// <returns>The error.</returns>
    public static VerificationError For(QvlStatus status, string message) =>
        new() { Code = status.ToQvlName(), Message = message, Status = status };
}
