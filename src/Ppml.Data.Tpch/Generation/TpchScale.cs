using System.Globalization;

namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// Row counts at a scale factor, following dbgen (driver.c): SF ≥ 1 must be whole and multiplies each base
/// cardinality; SF &lt; 1 is taken in thousandths, each count being ⌊thousandths · base / 1000⌋, and the
/// integer scale used by clerk numbering stays 1.
/// </summary>
internal sealed class TpchScale
{
    public const long SupplierBase = 10_000;
    public const long PartBase = 200_000;
    public const long CustomerBase = 150_000;
    public const long OrderBase = 1_500_000;
    public const int SuppliersPerPart = 4;

    /// <summary>
    /// dbgen switches o_custkey and l_partkey to a 64-bit generator (rng64.c) from SF 30,000; that generator is
    /// not implemented, so larger scale factors are refused rather than generated differently.
    /// </summary>
    public const double MaxScaleFactor = 29_999;

    private TpchScale(double scaleFactor, long thousandths)
    {
        ScaleFactor = scaleFactor;
        Thousandths = thousandths;
        IntegerScale = Math.Max(1, thousandths / 1000);
        Suppliers = Count(SupplierBase);
        Parts = Count(PartBase);
        Customers = Count(CustomerBase);
        Orders = Count(OrderBase);
    }

    public double ScaleFactor { get; }

    public long Thousandths { get; }

    /// <summary>dbgen's integer <c>scale</c>: 1 below SF 1.</summary>
    public long IntegerScale { get; }

    public long Suppliers { get; }

    public long Parts { get; }

    public long PartSupps => Parts * SuppliersPerPart;

    public long Customers { get; }

    public long Orders { get; }

    /// <summary>Validates <paramref name="scaleFactor"/> and computes the cardinalities.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale factor is not positive, not a multiple of 0.001 below 1, not whole from 1, or too large.</exception>
    public static TpchScale Create(double scaleFactor, string parameterName = "ScaleFactor")
    {
        if (!double.IsFinite(scaleFactor) || scaleFactor <= 0 || scaleFactor > MaxScaleFactor)
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                scaleFactor,
                $"The TPC-H scale factor must be in (0, {MaxScaleFactor.ToString(CultureInfo.InvariantCulture)}].");
        }

        double thousandths = Math.Round(scaleFactor * 1000);
        if (Math.Abs(scaleFactor * 1000 - thousandths) > 1e-6 * Math.Max(1, thousandths))
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                scaleFactor,
                "The TPC-H scale factor must be a multiple of 0.001 (dbgen scales fractional factors in thousandths).");
        }

        if (scaleFactor >= 1 && thousandths % 1000 != 0)
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                scaleFactor,
                "A TPC-H scale factor of 1 or more must be a whole number (dbgen truncates it otherwise).");
        }

        return new TpchScale(scaleFactor, (long)thousandths);
    }

    /// <summary>The number of rows of <paramref name="table"/>; for lineitem, the number of orders whose lines it holds.</summary>
    public long DriverRows(TpchTable table) => table switch
    {
        TpchTable.Part or TpchTable.PartSupp => Parts,
        TpchTable.Supplier => Suppliers,
        TpchTable.Customer => Customers,
        TpchTable.Orders or TpchTable.LineItem => Orders,
        TpchTable.Nation => Distributions.Nations.Count,
        TpchTable.Region => Distributions.Regions.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown TPC-H table."),
    };

    private long Count(long baseCount) =>
        Thousandths >= 1000 ? baseCount * (Thousandths / 1000) : Math.Max(1, Thousandths * baseCount / 1000);
}
