namespace Ppml.Data.Writing;

/// <summary>Writes rows of a query result to a plaintext stream (which may be an encrypting stream).</summary>
internal interface IResultWriter : IDisposable
{
    void WriteRow(object?[] values);

    /// <summary>Writes what is buffered; the stream is then complete.</summary>
    void Finish();
}
