namespace Ppml.Data.Tpch;

/// <summary>What <see cref="TpchGenerator"/> generates and how it splits the work.</summary>
public sealed class TpchGenerationOptions
{
    /// <summary>The scale factor: whole from 1 (SF 1 ≈ 1 GB of .tbl text), a multiple of 0.001 below 1 (dbgen's rule).</summary>
    /// <value>Default: 1.</value>
    public double ScaleFactor { get; init; } = 1;

    /// <summary>
    /// The number of parts each table except NATION and REGION (always one part) is split into. Parts are
    /// contiguous row ranges; concatenating them in order gives the same bytes as one part.
    /// </summary>
    /// <value>Default: 1.</value>
    public int Parts { get; init; } = 1;

    /// <summary>The tables to generate.</summary>
    /// <value>Default: all eight.</value>
    public IReadOnlyList<TpchTable> Tables { get; init; } = TpchSchema.Tables;

    /// <summary>How many parts are generated at once.</summary>
    /// <value>Default: <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException"><see cref="Tables"/> is empty.</exception>
    public void Validate()
    {
        _ = Generation.TpchScale.Create(ScaleFactor, nameof(ScaleFactor));
        ArgumentOutOfRangeException.ThrowIfLessThan(Parts, 1, nameof(Parts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
        ArgumentNullException.ThrowIfNull(Tables, nameof(Tables));
        if (Tables.Count == 0)
        {
            throw new ArgumentException("Tables must name at least one TPC-H table.", nameof(Tables));
        }

        foreach (TpchTable table in Tables)
        {
            if (!Enum.IsDefined(table))
            {
                throw new ArgumentOutOfRangeException(nameof(Tables), table, "Tables contains an unknown TPC-H table.");
            }
        }
    }
}
