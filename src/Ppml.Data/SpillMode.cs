namespace Ppml.Data;

/// <summary>Whether a <see cref="PpmlContext"/> lets DuckDB spill, always encrypted, to temporary files.</summary>
public enum SpillMode
{
    /// <summary>Encrypted spilling where this platform supports it (Linux x64 and arm64); no spilling elsewhere.</summary>
    Auto,

    /// <summary>Encrypted spilling, required: opening a context fails where it is not supported.</summary>
    Encrypted,

    /// <summary>No spilling: a query or load that outgrows <see cref="PpmlContextOptions.MemoryLimit"/> fails.</summary>
    Off,
}
