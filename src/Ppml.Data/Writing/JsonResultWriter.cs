using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Ppml.Data.Writing;

/// <summary>JSON Lines (what Spark writes and reads): one object per row; NULL is written as <c>null</c>.</summary>
internal sealed class JsonResultWriter : IResultWriter
{
    private readonly Stream _output;
    private readonly IReadOnlyList<DatasetColumn> _columns;
    private readonly Utf8JsonWriter _writer;

    public JsonResultWriter(Stream output, IReadOnlyList<DatasetColumn> columns)
    {
        _output = output;
        _columns = columns;
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true });
    }

    public void WriteRow(object?[] values)
    {
        _writer.WriteStartObject();
        for (int i = 0; i < values.Length; i++)
        {
            _writer.WritePropertyName(_columns[i].Name);
            WriteValue(values[i]);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Reset();
        _output.WriteByte((byte)'\n');
    }

    public void Finish()
    {
        _writer.Flush();
        _output.Flush();
    }

    public void Dispose() => _writer.Dispose();

    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                _writer.WriteNullValue();
                break;
            case bool flag:
                _writer.WriteBooleanValue(flag);
                break;
            case sbyte or short or int or long or byte or ushort or uint:
                _writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong number:
                _writer.WriteNumberValue(number);
                break;
            case decimal number:
                _writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                _writer.WriteNumberValue(number);
                break;
            case float number when float.IsFinite(number):
                _writer.WriteNumberValue(number);
                break;
            case BigInteger big:
                _writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            case System.Collections.IDictionary map:
                _writer.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    _writer.WritePropertyName(entry.Key is null ? "null" : ValueText.Format(entry.Key));
                    WriteValue(entry.Value);
                }

                _writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable items and not string and not byte[]:
                _writer.WriteStartArray();
                foreach (object? item in items)
                {
                    WriteValue(item);
                }

                _writer.WriteEndArray();
                break;
            default:
                _writer.WriteStringValue(ValueText.Format(value));
                break;
        }
    }
}
