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
