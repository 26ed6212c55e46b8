namespace Ppml.Data;

/// <summary>
/// One dataset to register as a table with <see cref="PpmlContext.RegisterTablesAsync"/>: for library code that loads
/// several tables at once (the TPC-H dataset reader), so decryption of the next table overlaps DuckDB's build of the
/// current one.
/// </summary>
/// <param name="Name">The SQL table name.</param>
/// <param name="Path">A file or a directory of parts; with <paramref name="Files"/>, only names the dataset.</param>
/// <param name="Format">The format of every part.</param>
/// <param name="Options">Read options.</param>
/// <param name="Files">Explicit part files in order, or empty to resolve <paramref name="Path"/>.</param>
public sealed record TableRequest(string Name, string Path, DatasetFormat Format, DatasetReadOptions Options, IReadOnlyList<string> Files);
