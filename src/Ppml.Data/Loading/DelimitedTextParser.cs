using System.Text;

namespace Ppml.Data.Loading;

/// <summary>
/// A streaming parser for delimited text (RFC 4180 quoting when <c>quote</c> is set; none for TPC-H .tbl). Records end
/// at '\n' or "\r\n" outside quotes; an empty field is <see langword="null"/>, as in DuckDB.
/// </summary>
internal sealed class DelimitedTextParser
{
    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly char? _quote;
    private readonly StringBuilder _field = new();
    private long _line = 1;

    public DelimitedTextParser(TextReader reader, char delimiter, char? quote)
    {
        _reader = reader;
        _delimiter = delimiter;
        _quote = quote;
    }

    /// <summary>Reads the next record; <see langword="false"/> at the end.</summary>
    /// <param name="fields">Receives the fields (cleared first).</param>
    /// <param name="line">The 1-based line the record starts on.</param>
    /// <exception cref="DatasetException">A quoted field is not terminated (the message names the line; no data).</exception>
    public bool TryReadRecord(List<string?> fields, out long line)
    {
        fields.Clear();
        line = _line;
        int next = _reader.Read();
        if (next < 0)
        {
            return false;
        }

        _field.Clear();
        bool quoted = false;
        bool wasQuoted = false;
        while (true)
        {
            if (next < 0)
            {
                if (quoted)
                {
                    throw new DatasetException($"line {line}: a quoted field is not terminated.", path: null, line);
                }

                AddField(fields, wasQuoted);
                return true;
            }

            char c = (char)next;
            if (quoted)
            {
                if (c == _quote)
                {
                    if (_reader.Peek() == _quote)
                    {
                        _field.Append(c);
                        _reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append(c);
                }
            }
            else if (c == _quote && _field.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
            }
            else if (c == _delimiter)
            {
                AddField(fields, wasQuoted);
                wasQuoted = false;
            }
            else if (c == '\n' || (c == '\r' && _reader.Peek() == '\n'))
            {
                if (c == '\r')
                {
                    _reader.Read();
                }

                _line++;
                AddField(fields, wasQuoted);
                return true;
            }
            else
            {
                _field.Append(c);
            }

            next = _reader.Read();
        }
    }

    private void AddField(List<string?> fields, bool wasQuoted)
    {
        fields.Add(_field.Length == 0 && !wasQuoted ? null : _field.ToString());
        _field.Clear();
    }
}
