namespace Ppml.Data;

/// <summary>What <see cref="PpmlContext.WriteAsync"/> wrote.</summary>
/// <param name="Path">The output file or directory.</param>
/// <param name="Files">The files written (one, or the parts of a directory).</param>
/// <param name="Rows">The number of rows written.</param>
/// <param name="Format">The format.</param>
/// <param name="IsEncrypted">Whether the output is encrypted.</param>
public sealed record WriteResult(string Path, IReadOnlyList<string> Files, long Rows, DatasetFormat Format, bool IsEncrypted);
