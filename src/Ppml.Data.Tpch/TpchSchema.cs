using System.Collections.Frozen;
using System.Text;

namespace Ppml.Data.Tpch;

/// <summary>
/// The TPC-H schema (specification Clause 1.4): table names, columns in .tbl order and DuckDB DDL.
/// Identifiers are INTEGER except order keys (BIGINT: sparse keys pass 2^31 beyond SF 300), decimals are
/// DECIMAL(15,2), fixed text is CHAR(n) and variable text VARCHAR(n) with the specification's sizes.
/// </summary>
public static class TpchSchema
{
    private static readonly FrozenDictionary<TpchTable, IReadOnlyList<TpchColumn>> ColumnsByTable =
        new Dictionary<TpchTable, IReadOnlyList<TpchColumn>>
        {
            [TpchTable.Part] =
            [
                new("p_partkey", TpchColumnKind.WholeNumber),
                new("p_name", TpchColumnKind.VariableText, 55),
                new("p_mfgr", TpchColumnKind.FixedText, 25),
                new("p_brand", TpchColumnKind.FixedText, 10),
                new("p_type", TpchColumnKind.VariableText, 25),
                new("p_size", TpchColumnKind.WholeNumber),
                new("p_container", TpchColumnKind.FixedText, 10),
                new("p_retailprice", TpchColumnKind.FixedPoint),
                new("p_comment", TpchColumnKind.VariableText, 23),
            ],
            [TpchTable.Supplier] =
            [
                new("s_suppkey", TpchColumnKind.WholeNumber),
                new("s_name", TpchColumnKind.FixedText, 25),
                new("s_address", TpchColumnKind.VariableText, 40),
                new("s_nationkey", TpchColumnKind.WholeNumber),
                new("s_phone", TpchColumnKind.FixedText, 15),
                new("s_acctbal", TpchColumnKind.FixedPoint),
                new("s_comment", TpchColumnKind.VariableText, 101),
            ],
            [TpchTable.PartSupp] =
            [
                new("ps_partkey", TpchColumnKind.WholeNumber),
                new("ps_suppkey", TpchColumnKind.WholeNumber),
                new("ps_availqty", TpchColumnKind.WholeNumber),
                new("ps_supplycost", TpchColumnKind.FixedPoint),
                new("ps_comment", TpchColumnKind.VariableText, 199),
            ],
            [TpchTable.Customer] =
            [
                new("c_custkey", TpchColumnKind.WholeNumber),
                new("c_name", TpchColumnKind.VariableText, 25),
                new("c_address", TpchColumnKind.VariableText, 40),
                new("c_nationkey", TpchColumnKind.WholeNumber),
                new("c_phone", TpchColumnKind.FixedText, 15),
                new("c_acctbal", TpchColumnKind.FixedPoint),
                new("c_mktsegment", TpchColumnKind.FixedText, 10),
                new("c_comment", TpchColumnKind.VariableText, 117),
            ],
            [TpchTable.Orders] =
            [
                new("o_orderkey", TpchColumnKind.LargeWholeNumber),
                new("o_custkey", TpchColumnKind.WholeNumber),
                new("o_orderstatus", TpchColumnKind.FixedText, 1),
                new("o_totalprice", TpchColumnKind.FixedPoint),
                new("o_orderdate", TpchColumnKind.Date),
                new("o_orderpriority", TpchColumnKind.FixedText, 15),
                new("o_clerk", TpchColumnKind.FixedText, 15),
                new("o_shippriority", TpchColumnKind.WholeNumber),
                new("o_comment", TpchColumnKind.VariableText, 79),
            ],
            [TpchTable.LineItem] =
            [
                new("l_orderkey", TpchColumnKind.LargeWholeNumber),
                new("l_partkey", TpchColumnKind.WholeNumber),
                new("l_suppkey", TpchColumnKind.WholeNumber),
                new("l_linenumber", TpchColumnKind.WholeNumber),
                new("l_quantity", TpchColumnKind.FixedPoint),
                new("l_extendedprice", TpchColumnKind.FixedPoint),
                new("l_discount", TpchColumnKind.FixedPoint),
                new("l_tax", TpchColumnKind.FixedPoint),
                new("l_returnflag", TpchColumnKind.FixedText, 1),
                new("l_linestatus", TpchColumnKind.FixedText, 1),
                new("l_shipdate", TpchColumnKind.Date),
                new("l_commitdate", TpchColumnKind.Date),
                new("l_receiptdate", TpchColumnKind.Date),
                new("l_shipinstruct", TpchColumnKind.FixedText, 25),
                new("l_shipmode", TpchColumnKind.FixedText, 10),
                new("l_comment", TpchColumnKind.VariableText, 44),
            ],
            [TpchTable.Nation] =
            [
                new("n_nationkey", TpchColumnKind.WholeNumber),
                new("n_name", TpchColumnKind.FixedText, 25),
                new("n_regionkey", TpchColumnKind.WholeNumber),
                new("n_comment", TpchColumnKind.VariableText, 152),
            ],
            [TpchTable.Region] =
            [
                new("r_regionkey", TpchColumnKind.WholeNumber),
                new("r_name", TpchColumnKind.FixedText, 25),
                new("r_comment", TpchColumnKind.VariableText, 152),
            ],
        }.ToFrozenDictionary();

    /// <summary>All eight tables, in dbgen's generation order.</summary>
    public static IReadOnlyList<TpchTable> Tables { get; } =
    [
        TpchTable.Part, TpchTable.Supplier, TpchTable.PartSupp, TpchTable.Customer,
        TpchTable.Orders, TpchTable.LineItem, TpchTable.Nation, TpchTable.Region,
    ];

    /// <summary>The SQL (and file) name of <paramref name="table"/>: part, supplier, partsupp, customer, orders, lineitem, nation, region.</summary>
    public static string GetTableName(TpchTable table) => table switch
    {
        TpchTable.Part => "part",
        TpchTable.Supplier => "supplier",
        TpchTable.PartSupp => "partsupp",
        TpchTable.Customer => "customer",
        TpchTable.Orders => "orders",
        TpchTable.LineItem => "lineitem",
        TpchTable.Nation => "nation",
        TpchTable.Region => "region",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown TPC-H table."),
    };

    /// <summary>Parses a table name as <see cref="GetTableName"/> writes it (case-insensitive).</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a TPC-H table.</returns>
    public static bool TryParseTableName(string? name, out TpchTable table)
    {
        foreach (TpchTable candidate in Tables)
        {
            if (string.Equals(GetTableName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                table = candidate;
                return true;
            }
        }

        table = default;
        return false;
    }

    /// <summary>dbgen's file name for the whole table: <c>&lt;name&gt;.tbl</c>.</summary>
    public static string GetFileName(TpchTable table) => GetTableName(table) + ".tbl";

    /// <summary>The columns of <paramref name="table"/> in .tbl field order.</summary>
    public static IReadOnlyList<TpchColumn> GetColumns(TpchTable table) =>
        ColumnsByTable.TryGetValue(table, out IReadOnlyList<TpchColumn>? columns)
            ? columns
            : throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown TPC-H table.");

    /// <summary>The DuckDB <c>CREATE TABLE</c> statement for <paramref name="table"/> (every column NOT NULL).</summary>
    public static string GetCreateTableSql(TpchTable table)
    {
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE ").Append(GetTableName(table)).Append(" (");
        IReadOnlyList<TpchColumn> columns = GetColumns(table);
        for (int i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(columns[i].Name).Append(' ').Append(columns[i].SqlType).Append(" NOT NULL");
        }

        return sql.Append(')').ToString();
    }
}
