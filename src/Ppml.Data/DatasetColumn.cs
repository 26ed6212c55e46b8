namespace Ppml.Data;

/// <summary>A column of a caller-supplied schema.</summary>
/// <param name="Name">The column name.</param>
/// <param name="SqlType">A DuckDB type: <c>BIGINT</c>, <c>INTEGER</c>, <c>DOUBLE</c>, <c>DECIMAL(15,2)</c>, <c>DATE</c>, <c>VARCHAR</c>, <c>CHAR(10)</c>, ...</param>
public sealed record DatasetColumn(string Name, string SqlType);
