using DuckDB.NET.Data;

namespace Ppml.Data.Loading;

/// <summary>Runs statements on the connection off the caller's thread (DuckDB calls block).</summary>
internal static class DuckDb
{
    public static Task<int> ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = sql;
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    public static Task<object?> ScalarAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = sql;
                object? value = command.ExecuteScalar();
                return value is DBNull ? null : value;
            },
            cancellationToken);

    /// <summary>Column names and DuckDB types of a query, without running it.</summary>
    public static Task<List<DatasetColumn>> DescribeAsync(DuckDBConnection connection, string select, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = "DESCRIBE " + select;
                using DuckDBDataReader reader = command.ExecuteReader();
                var columns = new List<DatasetColumn>();
                while (reader.Read())
                {
                    columns.Add(new DatasetColumn(reader.GetString(0), reader.GetString(1)));
                }

                return columns;
            },
            cancellationToken);
}
