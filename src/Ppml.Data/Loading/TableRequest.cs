namespace Ppml.Data.Loading;

/// <summary>One dataset to register as a table (see <see cref="PpmlContext.RegisterTablesAsync"/>).</summary>
/// <param name="Name">The SQL table name.</param>
/// <param name="Path">A file or a directory of parts; with <paramref name="Files"/>, only names the dataset.</param>
/// <param name="Format">The format of every part.</param>
/// <param name="Options">Read options.</param>
/// <param name="Files">Explicit part files in order, or empty to resolve <paramref name="Path"/>.</param>
internal sealed record TableRequest(string Name, string Path, DatasetFormat Format, DatasetReadOptions Options, IReadOnlyList<string> Files);
