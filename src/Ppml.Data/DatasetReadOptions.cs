namespace Ppml.Data;

/// <summary>How <see cref="PpmlContext.RegisterTableAsync"/> reads a dataset.</summary>
public sealed class DatasetReadOptions
{
    /// <summary>The defaults: CSV with a header and ',' delimiter, types detected, plain or encrypted parts accepted.</summary>
    public static DatasetReadOptions Default { get; } = new();

    /// <summary>Whether the first line of each CSV part is a header (ignored for other formats).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>The CSV field delimiter (TPC-H <c>.tbl</c> always uses '|').</summary>
    /// <value>Default: ','.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// The columns, in file order. Required for <see cref="DatasetFormat.Tbl"/>; optional for CSV and JSON (then no
    /// types are detected and a row that does not fit is an error); for Parquet it must name the file's columns
    /// (values are cast to the given types). Ignored for <see cref="DatasetFormat.Text"/>.
    /// </summary>
    /// <value>Default: <see langword="null"/> (detect).</value>
    public IReadOnlyList<DatasetColumn>? Schema { get; init; }

    /// <summary>
    /// Whether every part must be encrypted (a PPML container, or Parquet with an encrypted footer). A plain part is
    /// then refused before any of it is read.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool RequireEncrypted { get; init; }
}
