namespace Ppml.Data.Tpch;

/// <summary>What a generation run wrote.</summary>
/// <param name="ScaleFactor">The scale factor.</param>
/// <param name="Rows">Rows per generated table.</param>
/// <param name="Bytes">Bytes of .tbl text per generated table.</param>
/// <param name="Parts">Every part written, in table and index order.</param>
public sealed record TpchGenerationResult(
    double ScaleFactor,
    IReadOnlyDictionary<TpchTable, long> Rows,
    IReadOnlyDictionary<TpchTable, long> Bytes,
    IReadOnlyList<TpchPart> Parts)
{
    /// <summary>Rows of all tables together.</summary>
    public long TotalRows => Rows.Values.Sum();

    /// <summary>Bytes of all tables together.</summary>
    public long TotalBytes => Bytes.Values.Sum();
}
