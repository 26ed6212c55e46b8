namespace Ppml.Data;

/// <summary>What <see cref="PpmlContext.RegisterTableAsync"/> loaded.</summary>
/// <param name="Name">The SQL table name.</param>
/// <param name="Path">The dataset path (a file or a directory of parts).</param>
/// <param name="Format">The format.</param>
/// <param name="Parts">The number of part files.</param>
/// <param name="EncryptedParts">How many parts were encrypted (containers or Parquet modular encryption).</param>
/// <param name="Rows">The number of rows.</param>
/// <param name="Bytes">The parts' total size on disk.</param>
/// <param name="Transport">How plaintext reached DuckDB: <c>memfd</c> or <c>appender</c>.</param>
/// <param name="Elapsed">The load time (decrypt, parse, build the table).</param>
public sealed record TableInfo(string Name, string Path, DatasetFormat Format, int Parts, int EncryptedParts, long Rows, long Bytes, string Transport, TimeSpan Elapsed);
