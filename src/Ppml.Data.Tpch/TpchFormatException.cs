namespace Ppml.Data.Tpch;

/// <summary>
/// A .tbl input does not have the shape of a TPC-H table: wrong number of fields, a value that does not
/// parse as the column's type, or a file DuckDB could not read. The message names the input, the line and
/// the column; it never contains the row's data.
/// </summary>
public sealed class TpchFormatException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public TpchFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TpchFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TpchFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line of a table.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="table">The table being loaded.</param>
    /// <param name="lineNumber">The 1-based line, or 0 when the whole input is concerned.</param>
    public TpchFormatException(string message, TpchTable table, long lineNumber)
        : base(message)
    {
        Table = table;
        LineNumber = lineNumber;
    }

    /// <summary>The table being loaded, when known.</summary>
    public TpchTable? Table { get; }

    /// <summary>The 1-based line number, or 0 when not tied to a line.</summary>
    public long LineNumber { get; }
}
