namespace Ppml.Data.Tpch;

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
