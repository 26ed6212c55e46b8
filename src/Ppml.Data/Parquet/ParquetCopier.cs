using ParquetSharp;
using ParquetSharp.Schema;

namespace Ppml.Data.Parquet;

/// <summary>
/// Copies a Parquet file column chunk by column chunk into a new plain Parquet file with the same schema and row
/// groups (no row-by-row conversion): the route by which modular-encrypted Parquet reaches DuckDB, which cannot read
/// it, through a memory file.
/// </summary>
internal static class ParquetCopier
{
    private const int BatchSize = 64 * 1024;

    /// <summary>Copies <paramref name="reader"/> into <paramref name="output"/> (left open); returns the row count.</summary>
    public static long Copy(ParquetFileReader reader, Stream output)
    {
        using FileMetaData metadata = reader.FileMetaData;
        SchemaDescriptor schema = metadata.Schema;
        using var properties = new WriterPropertiesBuilder().Compression(Compression.Uncompressed).Build();
        var schemaRoot = (GroupNode)schema.GroupNode;
        using var writer = new ParquetFileWriter(output, schemaRoot, properties, keyValueMetadata: null, leaveOpen: true);
        long rows = 0;
        for (int g = 0; g < metadata.NumRowGroups; g++)
        {
            using RowGroupReader rowGroup = reader.RowGroup(g);
            long groupRows = rowGroup.MetaData.NumRows;
            using RowGroupWriter groupWriter = writer.AppendRowGroup();
            for (int c = 0; c < metadata.NumColumns; c++)
            {
                using ColumnReader columnReader = rowGroup.Column(c);
                using LogicalColumnReader logicalReader = columnReader.LogicalReader();
                using ColumnWriter columnWriter = groupWriter.NextColumn();
                using LogicalColumnWriter logicalWriter = columnWriter.LogicalWriter();
                logicalReader.Apply(new CopyVisitor(logicalWriter));
            }

            rows += groupRows;
        }

        writer.Close();
        return rows;
    }

    private sealed class CopyVisitor : ILogicalColumnReaderVisitor<bool>
    {
        private readonly LogicalColumnWriter _writer;

        public CopyVisitor(LogicalColumnWriter writer)
        {
            _writer = writer;
        }

        public bool OnLogicalColumnReader<TValue>(LogicalColumnReader<TValue> columnReader)
        {
            var writer = (LogicalColumnWriter<TValue>)_writer;
            var buffer = new TValue[BatchSize];
            while (columnReader.HasNext)
            {
                int read = columnReader.ReadBatch(buffer);
                writer.WriteBatch(buffer, 0, read);
            }

            return true;
        }
    }
}
