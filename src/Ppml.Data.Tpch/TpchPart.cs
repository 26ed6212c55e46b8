namespace Ppml.Data.Tpch;

/// <summary>One output file of a generation run: part <see cref="Index"/> of <see cref="Count"/> of a table.</summary>
/// <param name="Table">The table.</param>
/// <param name="Index">The 0-based part index.</param>
/// <param name="Count">The number of parts of this table (1 for NATION and REGION).</param>
public sealed record TpchPart(TpchTable Table, int Index, int Count)
{
    /// <summary>The table's SQL name, for example <c>lineitem</c>.</summary>
    public string TableName => TpchSchema.GetTableName(Table);

    /// <summary>
    /// dbgen's file name: <c>lineitem.tbl</c> for a single part, <c>lineitem.tbl.&lt;Index + 1&gt;</c> when split
    /// (as <c>dbgen -C Count -S Index+1</c> names it).
    /// </summary>
    public string FileName => Count == 1 ? TpchSchema.GetFileName(Table) : $"{TpchSchema.GetFileName(Table)}.{Index + 1}";
}
