namespace Ppml.Kms.Remote;

/// <summary>One audit log entry: who did what to which key, when, and the outcome. Never key material.</summary>
public sealed record AuditRecord
{
    /// <summary>Position in the log (1, 2, ...).</summary>
    public required long Sequence { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The application that asked, or "-" when unauthenticated.</summary>
    public required string Application { get; init; }

    /// <summary>The operation, e.g. "key.create", "datakey.unwrap".</summary>
    public required string Action { get; init; }

    /// <summary>The key, policy or application acted on.</summary>
    public required string Target { get; init; }

    /// <summary>"ok" or the refusal code.</summary>
    public required string Result { get; init; }

    /// <summary>Hex SHA-256 chaining this record to the previous one.</summary>
    public required string Hash { get; init; }
}
