using Ppml.Data.IO;

namespace Ppml.Data.Loading;

/// <summary>
/// A bounded run of whole rows of one delimited-text part (CSV, .tbl) in its own memory file: what DuckDB reads in one
/// statement on the bounded load path. Disposing frees its memory.
/// </summary>
internal sealed class TextChunk : IDisposable
{
    private TextChunk(MemoryFile file, DatasetPart part, long firstLine, bool hasHeader)
    {
        File = file;
        Part = part;
        FirstLine = firstLine;
        HasHeader = hasHeader;
    }

    /// <summary>The memory file holding the rows.</summary>
    public MemoryFile File { get; }

    /// <summary>The part the rows come from.</summary>
    public DatasetPart Part { get; }

    /// <summary>The 1-based line number, in the part, of the chunk's first line (for messages).</summary>
    public long FirstLine { get; }

    /// <summary>Whether the chunk starts with the part's header line (the first chunk of a CSV part with a header).</summary>
    public bool HasHeader { get; }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    public static TextChunk Create(DatasetPart part, long firstLine, bool hasHeader) =>
        new(MemoryFile.Create("ppml-chunk"), part, firstLine, hasHeader);

    /// <summary>Appends <paramref name="bytes"/> at the end.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        RandomAccess.Write(File.Handle, bytes, Length);
        Length += bytes.Length;
    }

    public void Dispose() => File.Dispose();
}
