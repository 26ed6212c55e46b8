using System.Globalization;
using DuckDB.NET.Data;
using ParquetSharp;
using Ppml.Data.IO;

namespace Ppml.Data.Loading;

/// <summary>Appends the rows of a flat Parquet file to a DuckDB table created from its schema (appender path).</summary>
internal static class ParquetAppender
{
    /// <summary>Whether the staging table exists, and its column types.</summary>
    internal sealed class State
    {
        public List<string>? Types { get; set; }
    }

    public static void Append(DuckDBConnection connection, string stage, ParquetFileReader reader, State state, DatasetPart part)
    {
        using FileMetaData metadata = reader.FileMetaData;
        SchemaDescriptor schema = metadata.Schema;
        var names = new List<string>();
        var types = new List<string>();
        for (int i = 0; i < metadata.NumColumns; i++)
        {
            ColumnDescriptor column = schema.Column(i);
            names.Add(column.Name);
            types.Add(SqlTypeOf(column, part));
        }

        if (state.Types is null)
        {
            using DuckDBCommand command = connection.CreateCommand();
            command.CommandText = $"CREATE OR REPLACE TABLE {stage} ({string.Join(", ", names.Select((n, i) => $"{Sql.Identifier(n)} {types[i]}"))})";
            command.ExecuteNonQuery();
            state.Types = types;
        }
        else if (!state.Types.SequenceEqual(types))
        {
            throw new DatasetException($"Part '{part.Path}' has columns of other types than the first part ({string.Join(", ", types)} instead of {string.Join(", ", state.Types)}).", part.Path, line: null);
        }

        using DuckDBAppender appender = connection.CreateAppender(stage);
        for (int g = 0; g < metadata.NumRowGroups; g++)
        {
            using RowGroupReader rowGroup = reader.RowGroup(g);
            int rows = checked((int)rowGroup.MetaData.NumRows);
            var columns = new object?[metadata.NumColumns][];
            for (int c = 0; c < columns.Length; c++)
            {
                using ColumnReader columnReader = rowGroup.Column(c);
                using LogicalColumnReader logical = columnReader.LogicalReader();
                columns[c] = logical.Apply(new BoxingVisitor(rows));
            }

            for (int r = 0; r < rows; r++)
            {
                IDuckDBAppenderRow row = appender.CreateRow();
                for (int c = 0; c < columns.Length; c++)
                {
                    row = AppendValue(row, columns[c][r]);
                }

                row.EndRow();
            }
        }
    }

    private static string SqlTypeOf(ColumnDescriptor column, DatasetPart part)
    {
        if (column.MaxRepetitionLevel > 0)
        {
            throw new DatasetException($"Part '{part.Path}': column '{column.Name}' is nested (a list); the appender path reads flat Parquet only.", part.Path, line: null);
        }

        using LogicalType logical = column.LogicalType;
        return logical switch
        {
            DecimalLogicalType => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({column.TypePrecision},{column.TypeScale})"),
            StringLogicalType or JsonLogicalType or EnumLogicalType => "VARCHAR",
            DateLogicalType => "DATE",
            TimestampLogicalType => "TIMESTAMP",
            IntLogicalType integer => (integer.BitWidth, integer.IsSigned) switch
            {
                (8, true) => "TINYINT",
                (16, true) => "SMALLINT",
                (32, true) => "INTEGER",
                (64, true) => "BIGINT",
                (8, false) => "UTINYINT",
                (16, false) => "USMALLINT",
                (32, false) => "UINTEGER",
                _ => "UBIGINT",
            },
            _ => column.PhysicalType switch
            {
                PhysicalType.Boolean => "BOOLEAN",
                PhysicalType.Int32 => "INTEGER",
                PhysicalType.Int64 => "BIGINT",
                PhysicalType.Float => "FLOAT",
                PhysicalType.Double => "DOUBLE",
                PhysicalType.ByteArray => "BLOB",
                _ => throw new DatasetException($"Part '{part.Path}': column '{column.Name}' has Parquet type {column.PhysicalType}/{logical.Type}, which the appender path does not read.", part.Path, line: null),
            },
        };
    }

    private static IDuckDBAppenderRow AppendValue(IDuckDBAppenderRow row, object? value) => value switch
    {
        null => row.AppendNullValue(),
        bool v => row.AppendValue(v),
        sbyte v => row.AppendValue(v),
        short v => row.AppendValue(v),
        int v => row.AppendValue(v),
        long v => row.AppendValue(v),
        byte v => row.AppendValue(v),
        ushort v => row.AppendValue(v),
        uint v => row.AppendValue(v),
        ulong v => row.AppendValue(v),
        float v => row.AppendValue(v),
        double v => row.AppendValue(v),
        decimal v => row.AppendValue(v),
        string v => row.AppendValue(v),
        Date v => row.AppendValue(DateOnly.FromDateTime(v.DateTime)),
        DateOnly v => row.AppendValue(v),
        DateTime v => row.AppendValue(v),
        byte[] v => row.AppendValue(v),
        _ => row.AppendValue(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private sealed class BoxingVisitor : ILogicalColumnReaderVisitor<object?[]>
    {
        private readonly int _rows;

        public BoxingVisitor(int rows)
        {
            _rows = rows;
        }

        public object?[] OnLogicalColumnReader<TValue>(LogicalColumnReader<TValue> columnReader)
        {
            TValue[] values = columnReader.ReadAll(_rows);
            var boxed = new object?[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                boxed[i] = values[i];
            }

            return boxed;
        }
    }
}
