namespace Ppml.Data.Tpch;

/// <summary>
/// Hears the steps of <see cref="TpchDataset.LoadAndRunAsync"/> as they happen (for progress output). Calls come one at a
/// time, on the thread that runs the step.
/// </summary>
public interface ITpchRunObserver
{
    /// <summary>A table was registered.</summary>
    /// <param name="table">What was loaded.</param>
    void TableLoaded(TableInfo table);

    /// <summary>Every table is loaded and the queries are about to run.</summary>
    /// <param name="scaleFactor">The scale factor the queries run with.</param>
    /// <param name="isDetected">Whether the scale factor was derived from the size of SUPPLIER rather than given.</param>
    /// <param name="queryCount">How many queries will run.</param>
    void QueriesStarting(double scaleFactor, bool isDetected, int queryCount);

    /// <summary>A query finished.</summary>
    /// <param name="result">Its answer and time.</param>
    void QueryFinished(TpchQueryResult result);
}
