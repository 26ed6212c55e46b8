namespace Ppml.Data.Tpch;

/// <summary>What is at the output path of <see cref="TpchDatasetWriter"/> before it writes.</summary>
public enum TpchOutputState
{
    /// <summary>Nothing, or an empty directory: the writer may create it.</summary>
    Empty,

    /// <summary>A file: the output must be a directory.</summary>
    File,

    /// <summary>A non-empty directory holding nothing but TPC-H tables: replaced only when overwriting is allowed.</summary>
    TpchData,

    /// <summary>A non-empty directory holding something that is not a TPC-H table: never replaced.</summary>
    OtherData,
}
