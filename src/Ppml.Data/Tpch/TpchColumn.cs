namespace Ppml.Data.Tpch;

/// <summary>The storage class of a TPC-H column (specification Clause 1.3.1 datatype definitions).</summary>
public enum TpchColumnKind
{
    /// <summary>An identifier or integer that fits in 32 bits.</summary>
    WholeNumber,

    /// <summary>An identifier that may exceed 32 bits (order keys beyond SF 300).</summary>
    LargeWholeNumber,

    /// <summary>A decimal with two fractional digits, stored as DECIMAL(15,2).</summary>
    FixedPoint,

    /// <summary>A date (yyyy-MM-dd in .tbl files).</summary>
    Date,

    /// <summary>Fixed-length text of <see cref="TpchColumn.Length"/> characters.</summary>
    FixedText,

    /// <summary>Variable-length text of at most <see cref="TpchColumn.Length"/> characters.</summary>
    VariableText,
}

/// <summary>A column of the TPC-H schema, in .tbl field order.</summary>
/// <param name="Name">The column name, for example <c>l_orderkey</c>.</param>
/// <param name="Kind">The storage class.</param>
/// <param name="Length">The maximum length for text columns; 0 otherwise.</param>
public sealed record TpchColumn(string Name, TpchColumnKind Kind, int Length = 0)
{
    /// <summary>The DuckDB type: INTEGER, BIGINT, DECIMAL(15,2), DATE, CHAR(n) or VARCHAR(n).</summary>
    public string SqlType => Kind switch
    {
        TpchColumnKind.WholeNumber => "INTEGER",
        TpchColumnKind.LargeWholeNumber => "BIGINT",
        TpchColumnKind.FixedPoint => "DECIMAL(15,2)",
        TpchColumnKind.Date => "DATE",
        TpchColumnKind.FixedText => $"CHAR({Length})",
        TpchColumnKind.VariableText => $"VARCHAR({Length})",
        _ => throw new InvalidOperationException($"Unknown column kind {Kind}."),
    };
}
