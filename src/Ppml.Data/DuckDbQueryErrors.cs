using DuckDB.NET.Data;
using Ppml.Data.Loading;

namespace Ppml.Data;

/// <summary>
/// Describes a failed DuckDB query in one line without row data, as <see cref="PpmlContext.QueryAsync"/> does: for
/// library code that runs SQL through <see cref="PpmlContext.WithConnectionAsync{T}"/> and wraps failures in a
/// <see cref="DatasetException"/>.
/// </summary>
public static class DuckDbQueryErrors
{
    /// <summary>
    /// The reason a query failed: DuckDB's first message line, with quoted values removed from data errors
    /// (conversion, invalid input, out of range, constraint) and advice added to out-of-memory errors.
    /// </summary>
    /// <param name="exception">The DuckDB failure.</param>
    /// <returns>A reason safe to log or print.</returns>
    public static string Reason(DuckDBException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return DuckDbErrors.QueryReason(exception);
    }
}
