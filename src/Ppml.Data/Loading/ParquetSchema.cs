using DuckDB.NET.Data;

namespace Ppml.Data.Loading;

/// <summary>Checks a Parquet dataset's columns against a caller's schema and casts to its types.</summary>
internal static class ParquetSchema
{
    public static async Task<string> ApplyAsync(DuckDBConnection connection, string select, IReadOnlyList<DatasetColumn> schema, string datasetPath, CancellationToken cancellationToken)
    {
        List<DatasetColumn> actual = await DuckDb.DescribeAsync(connection, select, cancellationToken).ConfigureAwait(false);
        bool matches = actual.Count == schema.Count
            && actual.Zip(schema).All(pair => string.Equals(pair.First.Name, pair.Second.Name, StringComparison.OrdinalIgnoreCase));
        if (!matches)
        {
            throw new DatasetException(
                $"Dataset '{datasetPath}': the Parquet columns ({string.Join(", ", actual.Select(c => c.Name))}) do not match the schema ({string.Join(", ", schema.Select(c => c.Name))}).",
                datasetPath,
                line: null);
        }

        return "SELECT " + string.Join(", ", schema.Select(c => $"CAST({Sql.Identifier(c.Name)} AS {c.SqlType}) AS {Sql.Identifier(c.Name)}")) + " FROM (" + select + ")";
    }
}
