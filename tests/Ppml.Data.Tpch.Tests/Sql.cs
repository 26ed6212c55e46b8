using DuckDB.NET.Data;

namespace Ppml.Data.Tpch.Tests;

internal static class Sql
{
    public static async Task<object?> ScalarAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public static async Task<long> CountAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, sql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
}
