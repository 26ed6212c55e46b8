namespace Ppml.Data;

/// <summary>The file format of a dataset (each of its parts has the same format).</summary>
public enum DatasetFormat
{
    /// <summary>Delimited text with an optional header; types are detected unless a schema is given.</summary>
    Csv,

    /// <summary>JSON: one object per line (JSON Lines, what Spark writes) or a top-level array of objects.</summary>
    Json,

    /// <summary>Plain text: one row per line, in a single VARCHAR column named <c>value</c> (Spark's <c>spark.read.text</c>).</summary>
    Text,

    /// <summary>Apache Parquet, plain or with Parquet Modular Encryption.</summary>
    Parquet,

    /// <summary>TPC-H <c>.tbl</c>: '|'-delimited with a trailing '|', no header, no quoting; the schema is required.</summary>
    Tbl,
}
