using DuckDB.NET.Data;
using Ppml.Data.Loading;

namespace Ppml.Data;

/// <summary>
/// A streaming query result: rows are produced by DuckDB as they are read, in constant memory. The context runs
/// nothing else until the reader is disposed.
/// </summary>
public sealed class QueryReader : IDisposable, IAsyncDisposable
{
    private readonly DuckDBCommand _command;
    private readonly DuckDBDataReader _reader;
    private readonly Action _release;
    private bool _disposed;

    internal QueryReader(DuckDBCommand command, DuckDBDataReader reader, Action release)
    {
        _command = command;
        _reader = reader;
        _release = release;
        var columns = new QueryColumn[reader.FieldCount];
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i).ToUpperInvariant(), reader.GetFieldType(i));
        }

        Columns = columns;
    }

    /// <summary>The columns.</summary>
    public IReadOnlyList<QueryColumn> Columns { get; }

    /// <summary>Advances to the next row.</summary>
    /// <param name="cancellationToken">Cancels before the read.</param>
    /// <returns><see langword="false"/> after the last row.</returns>
    /// <exception cref="DatasetException">The query failed while producing rows (for example, a failed cast).</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult(_reader.Read());
        }
        catch (DuckDBException exception)
        {
            throw new DatasetException($"The query failed: {DuckDbErrors.QueryReason(exception)}", exception);
        }
    }

    /// <summary>The value of column <paramref name="ordinal"/> in the current row; <see langword="null"/> for SQL NULL.</summary>
    /// <param name="ordinal">The 0-based column.</param>
    /// <returns>The value.</returns>
    public object? GetValue(int ordinal)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _reader.IsDBNull(ordinal) ? null : _reader.GetValue(ordinal);
    }

    /// <summary>Copies the current row's values into <paramref name="values"/> (NULL as <see langword="null"/>).</summary>
    /// <param name="values">At least <see cref="Columns"/>.Count elements.</param>
    public void GetValues(object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        for (int i = 0; i < Columns.Count; i++)
        {
            values[i] = GetValue(i);
        }
    }

    /// <summary>Ends the query and lets the context run the next statement.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _reader.Dispose();
            _command.Dispose();
        }
        finally
        {
            _release();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
