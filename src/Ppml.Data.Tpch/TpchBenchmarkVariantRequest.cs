namespace Ppml.Data.Tpch;

/// <summary>One run of one benchmark variant: which database to load from where, and what to run on it.</summary>
public sealed class TpchBenchmarkVariantRequest
{
    /// <summary>One of <see cref="TpchBenchmark.Variants"/>.</summary>
    public required string Variant { get; init; }

    /// <summary>The dataset directory the variant loads (the plaintext copy, or the encrypted one).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The queries, run in this order.</summary>
    public required IReadOnlyList<int> Queries { get; init; }

    /// <summary>The data's scale factor (for Q11).</summary>
    public required double ScaleFactor { get; init; }

    /// <summary>DuckDB's memory limit for every variant, plain DuckDB included (DuckDB's size syntax, for example <c>4GB</c>).</summary>
    public required string MemoryLimit { get; init; }

    /// <summary>The repeat this run belongs to, from 0 (for messages).</summary>
    public int Repeat { get; init; }
}
