namespace Ppml.Data.Tables;

/// <summary>One dataset to register as a table: what <see cref="TableSources.Parse"/> makes of a table and its options.</summary>
/// <param name="Name">The SQL table name.</param>
/// <param name="Path">The absolute path of a file or a directory of parts.</param>
/// <param name="Format">The format of every part.</param>
/// <param name="ReadOptions">How it is read.</param>
public sealed record TableSource(string Name, string Path, DatasetFormat Format, DatasetReadOptions ReadOptions);
