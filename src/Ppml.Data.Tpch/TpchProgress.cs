namespace Ppml.Data.Tpch;

/// <summary>A snapshot of a generation run, reported after each buffer written and each part completed.</summary>
/// <param name="RowsGenerated">Rows written so far, all tables together.</param>
/// <param name="BytesGenerated">Bytes of .tbl text written so far.</param>
/// <param name="TotalRows">The exact number of rows the run produces.</param>
/// <param name="PartsCompleted">Parts written and committed.</param>
/// <param name="TotalParts">Parts in the run.</param>
public readonly record struct TpchProgress(long RowsGenerated, long BytesGenerated, long TotalRows, int PartsCompleted, int TotalParts);
