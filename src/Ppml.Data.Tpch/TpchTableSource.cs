namespace Ppml.Data.Tpch;

/// <summary>Where the data of one TPC-H table is, as <see cref="TpchDataset.Locate"/> found it.</summary>
/// <param name="Table">The table.</param>
/// <param name="Path">The file, the directory of parts, or (for dbgen's <c>-C</c> layout) the first part file.</param>
/// <param name="Format">The format of every part: <see cref="DatasetFormat.Tbl"/>, <see cref="DatasetFormat.Csv"/> or <see cref="DatasetFormat.Parquet"/>.</param>
/// <param name="Files">
/// The part files of dbgen's <c>-C</c> layout (<c>lineitem.tbl.1</c>, <c>lineitem.tbl.2</c>, … beside the other tables), in
/// part order; empty when <paramref name="Path"/> is a single file or a directory holding only this table's parts.
/// </param>
public sealed record TpchTableSource(TpchTable Table, string Path, DatasetFormat Format, IReadOnlyList<string> Files)
{
    /// <summary>The SQL table name (<see cref="TpchSchema.GetTableName"/>).</summary>
    public string TableName => TpchSchema.GetTableName(Table);
}
