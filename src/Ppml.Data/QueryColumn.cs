namespace Ppml.Data;

/// <summary>A column of a query result.</summary>
/// <param name="Name">The column name as DuckDB reports it (an expression's text for unnamed expressions, e.g. <c>(age + 1)</c>).</param>
/// <param name="TypeName">The DuckDB type, upper case (<c>BIGINT</c>, <c>VARCHAR</c>, <c>DECIMAL</c>, <c>DATE</c>, ...).</param>
/// <param name="ClrType">The .NET type of its non-null values (<see cref="long"/>, <see cref="string"/>, <see cref="decimal"/>, <see cref="DateOnly"/>, ...).</param>
public sealed record QueryColumn(string Name, string TypeName, Type ClrType);
