namespace Ppml.Data.Tpch;

/// <summary>The eight tables of the TPC-H schema (specification Clause 1.4).</summary>
public enum TpchTable
{
    /// <summary>PART: SF × 200,000 rows.</summary>
    Part,

    /// <summary>SUPPLIER: SF × 10,000 rows.</summary>
    Supplier,

    /// <summary>PARTSUPP: SF × 800,000 rows, four suppliers per part.</summary>
    PartSupp,

    /// <summary>CUSTOMER: SF × 150,000 rows.</summary>
    Customer,

    /// <summary>ORDERS: SF × 1,500,000 rows with sparse keys.</summary>
    Orders,

    /// <summary>LINEITEM: one to seven lines per order (about SF × 6,000,000 rows).</summary>
    LineItem,

    /// <summary>NATION: 25 rows.</summary>
    Nation,

    /// <summary>REGION: 5 rows.</summary>
    Region,
}
