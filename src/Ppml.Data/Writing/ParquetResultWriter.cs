using System.Globalization;
using System.Text.RegularExpressions;
using ParquetSharp;

namespace Ppml.Data.Writing;

/// <summary>
/// Parquet through ParquetSharp (Snappy, row groups of <see cref="RowGroupSize"/> rows), optionally with Parquet Modular
/// Encryption. DuckDB types map to Parquet: integers, FLOAT/DOUBLE, BOOLEAN, DECIMAL(p≤28,s), VARCHAR, DATE,
/// TIMESTAMP (microseconds, not UTC-adjusted) and BLOB natively; anything else (HUGEINT, wide decimals, lists,
/// structs, intervals) as its text.
/// </summary>
internal sealed partial class ParquetResultWriter : IResultWriter
{
    private const int RowGroupSize = 128 * 1024;

    private readonly ParquetFileWriter _writer;
    private readonly IColumnBuffer[] _buffers;
    private int _buffered;

    public ParquetResultWriter(Stream output, IReadOnlyList<DatasetColumn> columns, FileEncryptionProperties? encryption)
    {
        _buffers = columns.Select(CreateBuffer).ToArray();
        Column[] schema = _buffers.Select((b, i) => b.CreateColumn(columns[i].Name)).ToArray();
        using WriterPropertiesBuilder builder = new WriterPropertiesBuilder().Compression(Compression.Snappy).CreatedBy("ppml-dotnet");
        if (encryption is not null)
        {
            builder.Encryption(encryption);
        }

        using WriterProperties properties = builder.Build();
        _writer = new ParquetFileWriter(output, schema, LogicalTypeFactory.Default, properties, keyValueMetadata: null, leaveOpen: true);
    }

    public void WriteRow(object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            _buffers[i].Add(values[i]);
        }

        if (++_buffered == RowGroupSize)
        {
            FlushRowGroup();
        }
    }

    public void Finish()
    {
        if (_buffered > 0)
        {
            FlushRowGroup();
        }

        _writer.Close();
    }

    public void Dispose() => _writer.Dispose();

    private void FlushRowGroup()
    {
        using RowGroupWriter rowGroup = _writer.AppendRowGroup();
        foreach (IColumnBuffer buffer in _buffers)
        {
            using ColumnWriter column = rowGroup.NextColumn();
            buffer.WriteTo(column);
        }

        _buffered = 0;
    }

    private static IColumnBuffer CreateBuffer(DatasetColumn column)
    {
        string type = column.SqlType.ToUpperInvariant();
        if (DecimalType().Match(type) is { Success: true } match)
        {
            int precision = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            int scale = int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            if (precision <= 28)
            {
                return new ColumnBuffer<decimal?>(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture), () => LogicalType.Decimal(precision, scale));
            }
        }

        return type switch
        {
            "BOOLEAN" => new ColumnBuffer<bool?>(v => (bool)v),
            "TINYINT" => new ColumnBuffer<sbyte?>(v => Convert.ToSByte(v, CultureInfo.InvariantCulture)),
            "SMALLINT" => new ColumnBuffer<short?>(v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
            "INTEGER" => new ColumnBuffer<int?>(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            "BIGINT" => new ColumnBuffer<long?>(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
            "UTINYINT" => new ColumnBuffer<byte?>(v => Convert.ToByte(v, CultureInfo.InvariantCulture)),
            "USMALLINT" => new ColumnBuffer<ushort?>(v => Convert.ToUInt16(v, CultureInfo.InvariantCulture)),
            "UINTEGER" => new ColumnBuffer<uint?>(v => Convert.ToUInt32(v, CultureInfo.InvariantCulture)),
            "UBIGINT" => new ColumnBuffer<ulong?>(v => Convert.ToUInt64(v, CultureInfo.InvariantCulture)),
            "FLOAT" => new ColumnBuffer<float?>(v => Convert.ToSingle(v, CultureInfo.InvariantCulture)),
            "DOUBLE" => new ColumnBuffer<double?>(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)),
            "DATE" => new ColumnBuffer<Date?>(v => v is DateOnly d ? new Date(d.Year, d.Month, d.Day) : new Date((DateTime)v)),
            "TIMESTAMP" => new ColumnBuffer<DateTime?>(v => (DateTime)v, () => LogicalType.Timestamp(false, TimeUnit.Micros)),
            "BLOB" => new ColumnBuffer<byte[]?>(v => (byte[])v),
            _ when type.StartsWith("VARCHAR", StringComparison.Ordinal) || type.StartsWith("CHAR", StringComparison.Ordinal)
                => new ColumnBuffer<string?>(v => (string)v),
            _ => new ColumnBuffer<string?>(ValueText.Format),
        };
    }

    [GeneratedRegex(@"^DECIMAL\((\d+),\s*(\d+)\)$")]
    private static partial Regex DecimalType();

    private interface IColumnBuffer
    {
        Column CreateColumn(string name);

        void Add(object? value);

        void WriteTo(ColumnWriter writer);
    }

    private sealed class ColumnBuffer<T> : IColumnBuffer
    {
        private readonly Func<object, T> _convert;
        private readonly Func<LogicalType>? _logicalType;
        private readonly List<T> _values = new(1024);

        public ColumnBuffer(Func<object, T> convert, Func<LogicalType>? logicalType = null)
        {
            _convert = convert;
            _logicalType = logicalType;
        }

        public Column CreateColumn(string name) =>
            _logicalType is null ? new Column(typeof(T), name) : new Column(typeof(T), name, _logicalType());

        public void Add(object? value) => _values.Add(value is null ? default! : _convert(value));

        public void WriteTo(ColumnWriter writer)
        {
            using LogicalColumnWriter<T> logical = writer.LogicalWriter<T>();
            logical.WriteBatch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_values));
            _values.Clear();
        }
    }
}
