using Ppml.Data.IO;

namespace Ppml.Data.Loading;

/// <summary>The parts of a dataset with their plaintext in memory files, ready for DuckDB; disposing frees the memory.</summary>
internal sealed class PreparedParts : IDisposable
{
    public PreparedParts(IReadOnlyList<DatasetPart> parts, IReadOnlyList<MemoryFile> files)
    {
        Parts = parts;
        Files = files;
    }

    public IReadOnlyList<DatasetPart> Parts { get; }

    public IReadOnlyList<MemoryFile> Files { get; }

    public void Dispose()
    {
        foreach (MemoryFile file in Files)
        {
            file.Dispose();
        }
    }
}
