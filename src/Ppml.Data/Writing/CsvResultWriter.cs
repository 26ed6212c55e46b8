using System.Text;

namespace Ppml.Data.Writing;

/// <summary>RFC 4180 CSV: fields with the delimiter, a quote or a line break are quoted; NULL is an empty field.</summary>
internal sealed class CsvResultWriter : IResultWriter
{
    private readonly StreamWriter _writer;
    private readonly char _delimiter;

    public CsvResultWriter(Stream output, IReadOnlyList<DatasetColumn> columns, char delimiter, bool header)
    {
        _writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _delimiter = delimiter;
        if (header)
        {
            WriteRow(columns.Select(c => (object?)c.Name).ToArray());
        }
    }

    public void WriteRow(object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                _writer.Write(_delimiter);
            }

            if (values[i] is { } value)
            {
                string text = ValueText.Format(value);
                if (text.Length == 0 || text.AsSpan().IndexOfAny(['"', '\n', '\r', _delimiter]) >= 0)
                {
                    _writer.Write('"');
                    _writer.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
                    _writer.Write('"');
                }
                else
                {
                    _writer.Write(text);
                }
            }
        }

        _writer.Write('\n');
    }

    public void Finish() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
